using Microsoft.Extensions.Logging;
using static KlmSocialPay.Sandbox.Stripe.StripeParameterReader;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>The validated parameters of <c>POST /v1/refunds</c>. Exactly one of the two ids is set.</summary>
internal sealed record RefundDraft(
    string? PaymentIntentId,
    string? ChargeId,
    long? Amount,
    string? Reason,
    IReadOnlyDictionary<string, string> Metadata);

internal enum PaymentActionFailure
{
    None,
    NotFound,
    Conflict,
}

/// <summary>The outcome of a sandbox control action on a payment, such as opening a dispute.</summary>
internal sealed record PaymentActionResult<T>(T? Value, PaymentActionFailure Failure, string? Message)
    where T : class
{
    public static PaymentActionResult<T> Success(T value) => new(value, PaymentActionFailure.None, null);

    public static PaymentActionResult<T> Fail(PaymentActionFailure failure, string message) => new(null, failure, message);
}

/// <summary>
/// PaymentIntents, Charges, Refunds and Disputes, and the events they cause. One lock guards them, so two
/// refunds of the same charge cannot both pass the check of what is left to refund.
/// </summary>
internal sealed class StripePaymentStore(StripeEventLog eventLog, SandboxClock clock, ILogger<StripePaymentStore> logger)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, PaymentIntentState> paymentIntents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChargeState> charges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefundState> refunds = new(StringComparer.Ordinal);
    private readonly List<string> refundCreationOrder = [];
    private readonly Dictionary<string, DisputeState> disputes = new(StringComparer.Ordinal);
    private readonly HashSet<string> refundFailuresArmed = new(StringComparer.Ordinal);

    /// <summary>
    /// Records the PaymentIntent and its Charge for a session the customer just submitted. A delayed method
    /// leaves both processing (the charge pending) until <see cref="RecordDelayedPaymentOutcome"/>.
    /// </summary>
    public PaymentIntentState RecordPayment(CheckoutSessionState completed)
    {
        var parameters = completed.Parameters;
        var paymentIntentId = completed.PaymentIntentId ?? throw new ArgumentException("The session has no PaymentIntent.", nameof(completed));
        var paymentMethodType = completed.PaymentMethodType ?? throw new ArgumentException("The session has no payment method.", nameof(completed));
        var delayed = completed.DelayedPayment == DelayedPaymentStatus.Processing;
        var submittedAt = completed.SubmittedAt ?? clock.UtcNow;
        var paymentMethodId = StripePaymentIds.PaymentMethod();

        var charge = new ChargeState(
            StripePaymentIds.Charge(),
            paymentIntentId,
            submittedAt,
            parameters.AmountTotal,
            parameters.Currency,
            paymentMethodId,
            paymentMethodType,
            parameters.CustomerEmail ?? CheckoutSessionJson.DefaultCustomerEmail,
            parameters.PaymentIntentMetadata,
            parameters.PaymentIntentDescription,
            delayed ? ChargeStatus.Pending : ChargeStatus.Succeeded,
            AmountRefunded: 0,
            Disputed: false,
            delayed ? null : StripePaymentIds.BalanceTransaction());

        var paymentIntent = new PaymentIntentState(
            paymentIntentId,
            completed.Id,
            submittedAt,
            parameters.AmountTotal,
            parameters.Currency,
            paymentMethodId,
            paymentMethodType,
            parameters.PaymentMethodTypes,
            parameters.PaymentIntentMetadata,
            parameters.PaymentIntentDescription,
            delayed ? PaymentIntentStatus.Processing : PaymentIntentStatus.Succeeded,
            charge.Id,
            $"{paymentIntentId}_secret_{SandboxIds.New("", 25)}");

        lock (gate)
        {
            paymentIntents.Add(paymentIntent.Id, paymentIntent);
            charges.Add(charge.Id, charge);
        }

        logger.LogInformation(
            "Stripe sandbox created PaymentIntent {PaymentIntentId} with Charge {ChargeId} ({ChargeStatus}) for Checkout Session {CheckoutSessionId}",
            paymentIntent.Id, charge.Id, charge.Status, completed.Id);

        return paymentIntent;
    }

    /// <summary>Settles or fails the pending charge of a delayed payment.</summary>
    public void RecordDelayedPaymentOutcome(string paymentIntentId, bool succeeded)
    {
        lock (gate)
        {
            var paymentIntent = paymentIntents[paymentIntentId];
            var charge = charges[paymentIntent.LatestChargeId];

            paymentIntents[paymentIntentId] = paymentIntent with
            {
                Status = succeeded ? PaymentIntentStatus.Succeeded : PaymentIntentStatus.RequiresPaymentMethod,
            };
            charges[charge.Id] = charge with
            {
                Status = succeeded ? ChargeStatus.Succeeded : ChargeStatus.Failed,
                BalanceTransactionId = succeeded ? StripePaymentIds.BalanceTransaction() : null,
            };
        }
    }

    public PaymentIntentState? FindPaymentIntent(string id)
    {
        lock (gate)
        {
            return paymentIntents.GetValueOrDefault(id);
        }
    }

    public ChargeState? FindCharge(string id)
    {
        lock (gate)
        {
            return charges.GetValueOrDefault(id);
        }
    }

    public RefundState? FindRefund(string id)
    {
        lock (gate)
        {
            return refunds.GetValueOrDefault(id);
        }
    }

    /// <summary>Refunds matching <paramref name="match"/>, newest first.</summary>
    public IReadOnlyList<RefundState> RefundsNewestFirst(Func<RefundState, bool> match)
    {
        lock (gate)
        {
            return Enumerable.Reverse(refundCreationOrder).Select(id => refunds[id]).Where(match).ToList();
        }
    }

    /// <summary>
    /// Creates a pending refund and emits <c>refund.created</c> and <c>charge.refunded</c>, whose charge counts
    /// the new refund in <c>amount_refunded</c>. Stripe sends <c>charge.refunded</c> when the refund is created,
    /// before the refund's outcome is known. The refund settles at the next <see cref="SettlePendingRefunds"/>.
    /// </summary>
    public RefundState CreateRefund(RefundDraft draft, StripeRequestReference request)
    {
        lock (gate)
        {
            var charge = FindRefundableChargeLocked(draft);
            var amount = draft.Amount ?? charge.AmountRefundable;

            if (amount > charge.AmountRefundable)
            {
                throw Fail(StripeApiError.RefundAmountTooLarge(
                    StripeCurrencies.Format(amount, charge.Currency),
                    StripeCurrencies.Format(charge.AmountRefundable, charge.Currency)));
            }

            var refund = new RefundState(
                StripePaymentIds.Refund(),
                charge.Id,
                charge.PaymentIntentId,
                clock.UtcNow,
                amount,
                charge.Currency,
                charge.PaymentMethodId,
                charge.PaymentMethodType,
                draft.Reason,
                draft.Metadata,
                RefundStatus.Pending,
                FailsWhenSettled: refundFailuresArmed.Remove(charge.PaymentIntentId),
                StripePaymentIds.BalanceTransaction(),
                FailureReason: null,
                FailureBalanceTransactionId: null);
            var refundedCharge = charge with { AmountRefunded = charge.AmountRefunded + amount };

            refunds.Add(refund.Id, refund);
            refundCreationOrder.Add(refund.Id);
            charges[charge.Id] = refundedCharge;

            eventLog.Emit(StripeEventTypes.RefundCreated, RefundData(refund), request);
            eventLog.Emit(StripeEventTypes.ChargeRefunded, ChargeRefundedData(refundedCharge, charge), request);

            logger.LogInformation(
                "Stripe sandbox created Refund {RefundId} of {Amount} {Currency} on Charge {ChargeId}; it will {Outcome}",
                refund.Id, amount, refund.Currency, charge.Id, refund.FailsWhenSettled ? "fail" : "succeed");

            return refund;
        }
    }

    /// <summary>
    /// Makes the next refund of <paramref name="paymentIntentId"/> fail when it settles. Returns false when the
    /// PaymentIntent does not exist.
    /// </summary>
    public bool ArmRefundFailure(string paymentIntentId)
    {
        lock (gate)
        {
            if (!paymentIntents.ContainsKey(paymentIntentId))
            {
                return false;
            }

            refundFailuresArmed.Add(paymentIntentId);
        }

        logger.LogInformation("Stripe sandbox will fail the next refund of PaymentIntent {PaymentIntentId}", paymentIntentId);

        return true;
    }

    /// <summary>
    /// Settles every pending refund: a refund succeeds and emits <c>refund.updated</c>, or, when a failure was
    /// armed, fails and emits <c>refund.updated</c> then <c>refund.failed</c> and gives its amount back to the
    /// charge. Returns how many refunds settled.
    /// </summary>
    public int SettlePendingRefunds()
    {
        lock (gate)
        {
            var pending = refundCreationOrder.Select(id => refunds[id]).Where(refund => refund.Status == RefundStatus.Pending).ToList();

            foreach (var refund in pending)
            {
                SettleLocked(refund);
            }

            return pending.Count;
        }
    }

    /// <summary>Opens a dispute on the charge of <paramref name="paymentIntentId"/> and emits <c>charge.dispute.created</c>.</summary>
    public PaymentActionResult<DisputeState> OpenDispute(string paymentIntentId, string reason)
    {
        lock (gate)
        {
            if (!paymentIntents.TryGetValue(paymentIntentId, out var paymentIntent))
            {
                return PaymentActionResult<DisputeState>.Fail(PaymentActionFailure.NotFound, $"No PaymentIntent {paymentIntentId} exists.");
            }

            var charge = charges[paymentIntent.LatestChargeId];
            var problem = charge switch
            {
                { Status: not ChargeStatus.Succeeded } => $"Charge {charge.Id} is {ChargeJson.StatusText(charge.Status)}; only a succeeded charge can be disputed.",
                { Disputed: true } => $"Charge {charge.Id} already has a dispute.",
                { AmountRefundable: <= 0 } => $"Charge {charge.Id} is fully refunded, so nothing is left to dispute.",
                _ => null,
            };

            if (problem is not null)
            {
                return PaymentActionResult<DisputeState>.Fail(PaymentActionFailure.Conflict, problem);
            }

            var now = clock.UtcNow;
            var dispute = new DisputeState(
                StripePaymentIds.Dispute(),
                charge.Id,
                paymentIntent.Id,
                now,
                charge.AmountRefundable,
                charge.Currency,
                charge.PaymentMethodType,
                reason,
                DisputeStatus.NeedsResponse,
                EvidenceDueBy(now));

            disputes.Add(dispute.Id, dispute);
            charges[charge.Id] = charge with { Disputed = true };
            eventLog.Emit(StripeEventTypes.ChargeDisputeCreated, DisputeData(dispute), StripeRequestReference.None);

            logger.LogInformation(
                "Stripe sandbox opened Dispute {DisputeId} ({Reason}) on Charge {ChargeId} for {Amount} {Currency}",
                dispute.Id, reason, charge.Id, dispute.Amount, dispute.Currency);

            return PaymentActionResult<DisputeState>.Success(dispute);
        }
    }

    /// <summary>Closes an open dispute as won or lost and emits <c>charge.dispute.closed</c>.</summary>
    public PaymentActionResult<DisputeState> CloseDispute(string disputeId, DisputeStatus outcome)
    {
        lock (gate)
        {
            if (!disputes.TryGetValue(disputeId, out var dispute))
            {
                return PaymentActionResult<DisputeState>.Fail(PaymentActionFailure.NotFound, $"No dispute {disputeId} exists.");
            }

            if (dispute.Status != DisputeStatus.NeedsResponse)
            {
                return PaymentActionResult<DisputeState>.Fail(
                    PaymentActionFailure.Conflict,
                    $"Dispute {disputeId} is already closed as {DisputeJson.StatusText(dispute.Status)}.");
            }

            var closed = dispute with { Status = outcome };
            disputes[disputeId] = closed;
            eventLog.Emit(StripeEventTypes.ChargeDisputeClosed, DisputeData(closed), StripeRequestReference.None);

            logger.LogInformation("Stripe sandbox closed Dispute {DisputeId} as {DisputeStatus}", disputeId, closed.Status);

            return PaymentActionResult<DisputeState>.Success(closed);
        }
    }

    /// <summary>
    /// Stripe sets the evidence deadline per card network, often one to three weeks ahead. The sandbox uses the
    /// end (23:59:59 UTC) of the ninth day after the dispute opened.
    /// </summary>
    private static DateTimeOffset EvidenceDueBy(DateTimeOffset opened) =>
        new DateTimeOffset(opened.UtcDateTime.Date, TimeSpan.Zero).AddDays(10).AddSeconds(-1);

    /// <summary>Finds the charge a refund request names and checks that it can be refunded at all.</summary>
    private ChargeState FindRefundableChargeLocked(RefundDraft draft)
    {
        ChargeState charge;
        string param;

        if (draft.PaymentIntentId is { } paymentIntentId)
        {
            param = "payment_intent";
            var paymentIntent = paymentIntents.GetValueOrDefault(paymentIntentId)
                ?? throw Fail(StripeApiError.NoSuchPaymentIntent(paymentIntentId, param));
            charge = charges[paymentIntent.LatestChargeId];
        }
        else
        {
            param = "charge";
            var chargeId = draft.ChargeId ?? throw new ArgumentException("The draft names no charge.", nameof(draft));
            charge = charges.GetValueOrDefault(chargeId) ?? throw Fail(StripeApiError.NoSuchCharge(chargeId, param));
        }

        if (charge.Status != ChargeStatus.Succeeded)
        {
            throw Fail(StripeApiError.ChargeNotRefundable(
                $"Charge {charge.Id} is {ChargeJson.StatusText(charge.Status)}; only a succeeded charge can be refunded.",
                param));
        }

        if (charge.Disputed)
        {
            throw Fail(StripeApiError.ChargeDisputed(charge.Id));
        }

        if (charge.AmountRefundable <= 0)
        {
            throw Fail(StripeApiError.ChargeAlreadyRefunded(charge.Id));
        }

        return charge;
    }

    private void SettleLocked(RefundState refund)
    {
        if (!refund.FailsWhenSettled)
        {
            var succeeded = refund with { Status = RefundStatus.Succeeded };
            refunds[refund.Id] = succeeded;
            eventLog.Emit(StripeEventTypes.RefundUpdated, RefundData(succeeded, previous: refund), StripeRequestReference.None);

            logger.LogInformation("Stripe sandbox Refund {RefundId} succeeded", refund.Id);
            return;
        }

        var failed = refund with
        {
            Status = RefundStatus.Failed,
            FailureReason = RefundJson.InjectedFailureReason,
            FailureBalanceTransactionId = StripePaymentIds.BalanceTransaction(),
        };
        var charge = charges[refund.ChargeId];

        refunds[refund.Id] = failed;

        // NOTE: Stripe documents that a failed refund's funds return to the balance, but not how the charge changes.
        // Lowering amount_refunded again, with no second charge.refunded event, is the sandbox's assumption.
        charges[charge.Id] = charge with { AmountRefunded = charge.AmountRefunded - refund.Amount };
        eventLog.Emit(StripeEventTypes.RefundUpdated, RefundData(failed, previous: refund), StripeRequestReference.None);
        eventLog.Emit(StripeEventTypes.RefundFailed, RefundData(failed), StripeRequestReference.None);

        logger.LogInformation("Stripe sandbox Refund {RefundId} failed with {FailureReason}", refund.Id, failed.FailureReason);
    }

    private static StripeEventData RefundData(RefundState refund, RefundState? previous = null) =>
        new(
            refund.Id,
            "refund",
            writer => RefundJson.Write(writer, refund),
            previous is null ? null : writer => RefundJson.WritePreviousAttributes(writer, refund, previous));

    private static StripeEventData ChargeRefundedData(ChargeState charge, ChargeState previous) =>
        new(
            charge.Id,
            "charge",
            writer => ChargeJson.Write(writer, charge),
            writer =>
            {
                writer.WriteNumber("amount_refunded", previous.AmountRefunded);

                if (previous.Refunded != charge.Refunded)
                {
                    writer.WriteBoolean("refunded", previous.Refunded);
                }
            });

    private static StripeEventData DisputeData(DisputeState dispute) =>
        new(dispute.Id, "dispute", writer => DisputeJson.Write(writer, dispute));
}
