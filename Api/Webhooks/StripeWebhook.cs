using KlmSocialPay.Api.Payments;
using Stripe;
using KlmSocialPay.Api.Agents;
using KlmSocialPay.Grains.Payments;
using KlmSocialPay.Grains.Telemetry;
using Stripe.Checkout;

namespace KlmSocialPay.Api.Webhooks;

/// <summary>
/// <c>POST /webhooks/stripe</c>: verifies Stripe's signature, turns Checkout Session events into domain
/// events and routes them to the payment link grain (or, for a session not recorded yet, to the order
/// named in the session). It responds 2xx only once the effect is persisted, so Stripe's retries cover
/// every failure before that.
/// </summary>
public static class StripeWebhook
{
    /// <summary>Stripe event bodies carry whole objects, usually 5 to 20 KB; 2 MiB leaves room for expanded ones.</summary>
    public const int MaxBodyBytes = 2 * 1024 * 1024;

    private static readonly Dictionary<string, CheckoutEventKind> HandledTypes = new(StringComparer.Ordinal)
    {
        [EventTypes.CheckoutSessionCompleted] = CheckoutEventKind.Completed,
        [EventTypes.CheckoutSessionAsyncPaymentSucceeded] = CheckoutEventKind.AsyncPaymentSucceeded,
        [EventTypes.CheckoutSessionAsyncPaymentFailed] = CheckoutEventKind.AsyncPaymentFailed,
        [EventTypes.CheckoutSessionExpired] = CheckoutEventKind.Expired,
    };

    private static readonly Dictionary<string, PaymentEventKind> PaymentTypes = new(StringComparer.Ordinal)
    {
        [EventTypes.RefundCreated] = PaymentEventKind.RefundCreated,
        [EventTypes.RefundUpdated] = PaymentEventKind.RefundUpdated,
        [EventTypes.RefundFailed] = PaymentEventKind.RefundFailed,
        [EventTypes.ChargeRefunded] = PaymentEventKind.ChargeRefunded,
        [EventTypes.ChargeDisputeCreated] = PaymentEventKind.DisputeCreated,
        [EventTypes.ChargeDisputeClosed] = PaymentEventKind.DisputeClosed,
    };

    public static IEndpointRouteBuilder MapStripeWebhook(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/webhooks/stripe", Receive)
            .AddEndpointFilter(new WebhookMetricsFilter(WebhookSource.Stripe))
            .WithTags("Webhooks")
            .WithName("StripeWebhook")
            .Accepts<object>("application/json")
            .AllowAnonymous();
        return endpoints;
    }

    internal static async Task<Results<Ok, ProblemHttpResult>> Receive(
        HttpRequest request, IGrainFactory grains, IOptions<StripeOptions> options, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(StripeWebhook));

        var body = await RawBody.ReadAsync(request, MaxBodyBytes);
        if (body is null)
        {
            return RawBody.TooLarge(MaxBodyBytes);
        }

        var signature = request.Headers["Stripe-Signature"].ToString();
        if (string.IsNullOrWhiteSpace(signature))
        {
            logger.LogWarning("Stripe webhook without a Stripe-Signature header rejected");
            WebhookMetricsFilter.SetOutcome(request.HttpContext, WebhookOutcome.InvalidSignature);
            return Problems.BadRequest("Missing signature", "The Stripe-Signature header is required.");
        }

        if (RawBody.DecodeUtf8(body) is not { } json)
        {
            return Problems.BadRequest("Malformed body", "The body is not valid UTF-8.");
        }

        Event stripeEvent;
        try
        {
            // The API version is checked below by release train and logged. An event of another version
            // is still processed by the fields the product reads, rather than lost.
            stripeEvent = EventUtility.ConstructEvent(
                json, signature, options.Value.WebhookSecret, options.Value.WebhookToleranceSeconds, throwOnApiVersionMismatch: false);
        }
        catch (StripeException ex)
        {
            logger.LogWarning("Stripe webhook rejected: {Reason}", ex.Message);
            WebhookMetricsFilter.SetOutcome(request.HttpContext, WebhookOutcome.InvalidSignature);
            return Problems.BadRequest("Invalid signature", $"The Stripe-Signature header does not verify: {ex.Message}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The signature verified, so these are bodies Stripe.net cannot read as an event: not JSON,
            // a JSON array, or a thin event notification.
            logger.LogWarning("Stripe webhook with a malformed body rejected: {Reason}", ex.GetType().Name);
            return Problems.BadRequest("Malformed body", "The body is not a Stripe event.");
        }

        return await Route(stripeEvent, grains, logger, request.HttpContext);
    }

    private static async Task<Results<Ok, ProblemHttpResult>> Route(Event stripeEvent, IGrainFactory grains, ILogger logger, HttpContext context)
    {
        if (string.IsNullOrEmpty(stripeEvent.Id) || string.IsNullOrEmpty(stripeEvent.Type))
        {
            return Problems.BadRequest("Malformed body", "The event has no 'id' or no 'type'.");
        }

        if (PaymentTypes.TryGetValue(stripeEvent.Type, out var paymentKind))
        {
            return await RoutePaymentEvent(stripeEvent, paymentKind, grains, logger);
        }

        if (!HandledTypes.TryGetValue(stripeEvent.Type, out var kind))
        {
            logger.LogDebug("Stripe event {EventId} of type {EventType} not handled", stripeEvent.Id, stripeEvent.Type);
            return TypedResults.Ok();
        }

        if (!string.Equals(ReleaseTrain(stripeEvent.ApiVersion), ReleaseTrain(StripeConfiguration.ApiVersion), StringComparison.Ordinal))
        {
            logger.LogWarning(
                "Stripe event {EventId} has API version {EventApiVersion}; the product expects {ExpectedApiVersion}",
                stripeEvent.Id, stripeEvent.ApiVersion, StripeConfiguration.ApiVersion);
        }

        if (stripeEvent.Data?.Object is not Session session || string.IsNullOrEmpty(session.Id) || string.IsNullOrEmpty(stripeEvent.Id))
        {
            logger.LogWarning("Stripe event {EventId} of type {EventType} carries no Checkout Session", stripeEvent.Id, stripeEvent.Type);
            return Problems.BadRequest("Malformed event", "The event's data.object is not a Checkout Session.");
        }

        var orderId = session.Metadata?.GetValueOrDefault("order_id") ?? session.ClientReferenceId;
        var checkoutEvent = new CheckoutSessionEvent(
            stripeEvent.Id,
            kind,
            session.Id,
            orderId,
            session.PaymentStatus ?? "",
            StripeAmounts.FromStripe(session.Currency?.ToUpperInvariant(), session.AmountTotal),
            session.Currency?.ToUpperInvariant(),
            session.PaymentIntentId,
            new DateTimeOffset(stripeEvent.Created, TimeSpan.Zero),
            stripeEvent.ApiVersion ?? "");

        var outcome = await grains.GetGrain<IPaymentLinkGrain>(session.Id).ApplyCheckoutEvent(checkoutEvent);
        if (outcome == EventOutcome.NotFound && OrderIds.IsOrderId(orderId))
        {
            outcome = await grains.GetGrain<IOrderGrain>(orderId).ApplyCheckoutEvent(checkoutEvent);
        }

        if (outcome == EventOutcome.NotFound)
        {
            if (!OrderIds.IsOrderId(orderId))
            {
                // A session created by another integration on the same Stripe account.
                logger.LogInformation(
                    "Stripe event {EventId} for session {CheckoutSessionId} names no KlmSocialPay order; ignored",
                    stripeEvent.Id, session.Id);
                WebhookMetricsFilter.SetOutcome(context, WebhookOutcome.Unmatched);
                return TypedResults.Ok();
            }

            // Not acknowledged, so Stripe retries it while the cause (such as a lagging write) is fixed.
            logger.LogWarning(
                "Stripe event {EventId} ({EventType}) for session {CheckoutSessionId} names order {OrderId}, which does not exist",
                stripeEvent.Id, stripeEvent.Type, session.Id, orderId);
            return Problems.NotFound($"Order {orderId} of session {session.Id} does not exist here.");
        }

        logger.LogInformation(
            "Stripe event {EventId} ({EventType}) for session {CheckoutSessionId} and order {OrderId}: {Outcome}",
            stripeEvent.Id, stripeEvent.Type, session.Id, orderId, outcome);
        WebhookMetricsFilter.SetOutcome(context, outcome switch
        {
            EventOutcome.Duplicate => WebhookOutcome.Duplicate,
            EventOutcome.Rejected => WebhookOutcome.Rejected,
            _ => WebhookOutcome.Accepted,
        });
        return TypedResults.Ok();
    }

    /// <summary>
    /// Routes a refund, charge or dispute event to its order: by the <c>order_id</c> the product put in the
    /// refund's metadata, else by the PaymentIntent the order was paid with.
    /// </summary>
    private static async Task<Results<Ok, ProblemHttpResult>> RoutePaymentEvent(
        Event stripeEvent, PaymentEventKind kind, IGrainFactory grains, ILogger logger)
    {
        var paymentEvent = stripeEvent.Data?.Object switch
        {
            Refund refund => new PaymentEvent(stripeEvent.Id, kind, refund.Id, refund.PaymentIntentId, refund.Status,
                StripeAmounts.FromStripe(refund.Currency?.ToUpperInvariant(), refund.Amount), refund.Currency?.ToUpperInvariant(),
                refund.FailureReason, new DateTimeOffset(stripeEvent.Created, TimeSpan.Zero)),
            Charge charge => new PaymentEvent(stripeEvent.Id, kind, charge.Id, charge.PaymentIntentId, charge.Status,
                StripeAmounts.FromStripe(charge.Currency?.ToUpperInvariant(), charge.AmountRefunded), charge.Currency?.ToUpperInvariant(),
                null, new DateTimeOffset(stripeEvent.Created, TimeSpan.Zero)),
            Dispute dispute => new PaymentEvent(stripeEvent.Id, kind, dispute.Id, dispute.PaymentIntentId, dispute.Status,
                StripeAmounts.FromStripe(dispute.Currency?.ToUpperInvariant(), dispute.Amount), dispute.Currency?.ToUpperInvariant(),
                dispute.Reason, new DateTimeOffset(stripeEvent.Created, TimeSpan.Zero)),
            _ => null,
        };
        if (paymentEvent is null)
        {
            return Problems.BadRequest("Malformed event", $"The data.object of a {stripeEvent.Type} event is not the expected Stripe object.");
        }

        var orderId = (stripeEvent.Data!.Object as Refund)?.Metadata?.GetValueOrDefault("order_id");
        if (!OrderIds.IsOrderId(orderId) && paymentEvent.PaymentIntentId is { } paymentIntentId
            && !string.IsNullOrWhiteSpace(paymentIntentId))
        {
            orderId = await grains.GetGrain<IPaymentIntentGrain>(paymentIntentId).GetOrderId();
        }

        if (!OrderIds.IsOrderId(orderId))
        {
            logger.LogInformation(
                "Stripe event {EventId} ({EventType}) for {ObjectId} names no KlmSocialPay payment; ignored",
                stripeEvent.Id, stripeEvent.Type, paymentEvent.ObjectId);
            return TypedResults.Ok();
        }

        var outcome = await grains.GetGrain<IOrderGrain>(orderId).ApplyPaymentEvent(paymentEvent);
        logger.LogInformation(
            "Stripe event {EventId} ({EventType}) for {ObjectId} and order {OrderId}: {Outcome}",
            stripeEvent.Id, stripeEvent.Type, paymentEvent.ObjectId, orderId, outcome);
        return outcome == EventOutcome.NotFound
            ? Problems.NotFound($"Order {orderId} of {paymentEvent.ObjectId} does not exist here.")
            : TypedResults.Ok();
    }

    /// <summary>The part after the dot of an API version such as <c>2026-10-28.endive</c>.</summary>
    private static string? ReleaseTrain(string? apiVersion) =>
        apiVersion?.IndexOf('.', StringComparison.Ordinal) is { } dot and >= 0 ? apiVersion[(dot + 1)..] : apiVersion;
}
