using System.Collections.Frozen;
using static KlmSocialPay.Sandbox.Stripe.StripeParameterReader;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// The PaymentIntent, Charge and Refund routes under <c>/sandbox/stripe/v1</c>. <see cref="StripeApiEndpoints"/>
/// authenticates each call, parses its parameters and applies idempotency before it reaches these handlers.
/// </summary>
internal static class StripePaymentApi
{
    private static readonly FrozenSet<string> NoParameters = FrozenSet<string>.Empty;
    private static readonly FrozenSet<string> ExpandOnly = FrozenSet.ToFrozenSet(["expand"]);

    private static readonly FrozenSet<string> RefundCreateParameters =
        FrozenSet.ToFrozenSet(["amount", "charge", "metadata", "payment_intent", "reason"]);

    private static readonly FrozenSet<string> NotSimulatedRefundCreateParameters = FrozenSet.ToFrozenSet(
        ["currency", "customer", "expand", "instructions_email", "origin", "refund_application_fee", "reverse_transfer"]);

    private static readonly FrozenSet<string> RefundListParameters =
        FrozenSet.ToFrozenSet(["charge", "created", "ending_before", "limit", "payment_intent", "starting_after"]);

    /// <summary>The reasons a caller may give, from the Stripe.net 53.1.0 documentation of <c>RefundCreateOptions.Reason</c>.</summary>
    private static readonly FrozenSet<string> RefundReasons = FrozenSet.ToFrozenSet(["duplicate", "fraudulent", "requested_by_customer"]);

    public static StripeApiResponse RetrievePaymentIntent(StripePaymentStore payments, StripeCall call, string id)
    {
        RejectUnexpectedNames(call.Parameters.Names, name => name, NoParameters, ExpandOnly);

        var paymentIntent = payments.FindPaymentIntent(id) ?? throw Fail(StripeApiError.NoSuchPaymentIntent(id, "intent"));

        return StripeApiResponse.Ok(PaymentIntentJson.Serialize(paymentIntent));
    }

    public static StripeApiResponse RetrieveCharge(StripePaymentStore payments, StripeCall call, string id)
    {
        RejectUnexpectedNames(call.Parameters.Names, name => name, NoParameters, ExpandOnly);

        var charge = payments.FindCharge(id) ?? throw Fail(StripeApiError.NoSuchCharge(id, "charge"));

        return StripeApiResponse.Ok(ChargeJson.Serialize(charge));
    }

    /// <summary><c>POST /v1/refunds</c>: refunds all that is left of a payment, or <c>amount</c> of it.</summary>
    public static StripeApiResponse CreateRefund(StripePaymentStore payments, StripeCall call)
    {
        var refund = payments.CreateRefund(ParseRefund(call.Parameters), call.Reference);

        return StripeApiResponse.Ok(RefundJson.Serialize(refund));
    }

    public static StripeApiResponse RetrieveRefund(StripePaymentStore payments, StripeCall call, string id)
    {
        RejectUnexpectedNames(call.Parameters.Names, name => name, NoParameters, ExpandOnly);

        var refund = payments.FindRefund(id) ?? throw Fail(StripeApiError.NoSuchRefund(id));

        return StripeApiResponse.Ok(RefundJson.Serialize(refund));
    }

    /// <summary><c>GET /v1/refunds</c>: newest first, filtered by <c>payment_intent</c>, <c>charge</c> and <c>created</c>.</summary>
    public static StripeApiResponse ListRefunds(StripePaymentStore payments, StripeCall call)
    {
        var parameters = call.Parameters;
        RejectUnexpectedNames(parameters.Names, name => name, RefundListParameters, ExpandOnly);

        var paymentIntentId = ReadNonEmptyString(parameters["payment_intent"]);
        var chargeId = ReadNonEmptyString(parameters["charge"]);
        var created = StripeList.ReadCreatedFilter(parameters["created"]);

        var page = StripeList.SelectPage(
            payments.RefundsNewestFirst(_ => true),
            refund => refund.Id,
            refund => (paymentIntentId is null || refund.PaymentIntentId == paymentIntentId)
                && (chargeId is null || refund.ChargeId == chargeId)
                && created(refund.Created),
            parameters,
            "refund",
            out var hasMore);

        return StripeList.Respond(page, hasMore, "/v1/refunds", RefundJson.Write);
    }

    private static RefundDraft ParseRefund(StripeParameters parameters)
    {
        RejectUnexpectedNames(parameters.Names, name => name, RefundCreateParameters, NotSimulatedRefundCreateParameters);

        var paymentIntentId = ReadNonEmptyString(parameters["payment_intent"]);
        var chargeId = ReadNonEmptyString(parameters["charge"]);

        if (paymentIntentId is null && chargeId is null)
        {
            throw Fail(StripeApiError.InvalidValue(
                "payment_intent",
                "One of the following parameters is required: charge, payment_intent.",
                "parameter_missing"));
        }

        if (paymentIntentId is not null && chargeId is not null)
        {
            throw Fail(StripeApiError.InvalidValue(
                "charge",
                "You may only specify one of these parameters: charge, payment_intent.",
                "parameters_exclusive"));
        }

        var amount = ReadInteger(parameters["amount"]);

        if (amount is <= 0)
        {
            throw Fail(StripeApiError.InvalidValue("amount", "Invalid positive integer", "parameter_invalid_integer"));
        }

        var reason = ReadNonEmptyString(parameters["reason"]);

        if (reason is not null && !RefundReasons.Contains(reason))
        {
            throw Fail(StripeApiError.InvalidValue("reason", "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer"));
        }

        return new RefundDraft(paymentIntentId, chargeId, amount, reason, CheckoutSessionCreateParser.ParseMetadata(parameters["metadata"]));
    }
}
