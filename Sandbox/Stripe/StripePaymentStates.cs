namespace KlmSocialPay.Sandbox.Stripe;

internal enum PaymentIntentStatus
{
    /// <summary>A delayed method (SEPA Direct Debit) was submitted and has not settled.</summary>
    Processing,
    Succeeded,

    /// <summary>The delayed payment failed, so the PaymentIntent waits for another payment method.</summary>
    RequiresPaymentMethod,
}

internal enum ChargeStatus
{
    Pending,
    Succeeded,
    Failed,
}

internal enum RefundStatus
{
    Pending,
    Succeeded,
    Failed,
}

internal enum DisputeStatus
{
    NeedsResponse,
    Won,
    Lost,
}

/// <summary>
/// A PaymentIntent, created when the customer submits the checkout page. Like every state record here it is
/// immutable, so an event keeps the snapshot it was emitted with.
/// </summary>
internal sealed record PaymentIntentState(
    string Id,
    string CheckoutSessionId,
    DateTimeOffset Created,
    long Amount,
    string Currency,
    string PaymentMethodId,
    string PaymentMethodType,
    IReadOnlyList<string> PaymentMethodTypes,
    IReadOnlyDictionary<string, string> Metadata,
    string? Description,
    PaymentIntentStatus Status,
    string LatestChargeId,
    string ClientSecret);

/// <summary>
/// The one Charge of a PaymentIntent. <see cref="AmountRefunded"/> counts pending and succeeded refunds, as
/// Stripe's <c>amount_refunded</c> does, and a failed refund gives its amount back.
/// </summary>
internal sealed record ChargeState(
    string Id,
    string PaymentIntentId,
    DateTimeOffset Created,
    long Amount,
    string Currency,
    string PaymentMethodId,
    string PaymentMethodType,
    string BillingEmail,
    IReadOnlyDictionary<string, string> Metadata,
    string? Description,
    ChargeStatus Status,
    long AmountRefunded,
    bool Disputed,
    string? BalanceTransactionId)
{
    public long AmountRefundable => Amount - AmountRefunded;

    /// <summary>Stripe's <c>refunded</c>: true once the whole amount is refunded.</summary>
    public bool Refunded => AmountRefunded >= Amount;
}

/// <summary>A refund of part or all of a Charge. <see cref="FailsWhenSettled"/> comes from <c>POST /sandbox/stripe/refunds/fail-next</c>.</summary>
internal sealed record RefundState(
    string Id,
    string ChargeId,
    string PaymentIntentId,
    DateTimeOffset Created,
    long Amount,
    string Currency,
    string PaymentMethodId,
    string PaymentMethodType,
    string? Reason,
    IReadOnlyDictionary<string, string> Metadata,
    RefundStatus Status,
    bool FailsWhenSettled,
    string BalanceTransactionId,
    string? FailureReason,
    string? FailureBalanceTransactionId);

/// <summary>A dispute (chargeback) the sandbox opened on a Charge on request.</summary>
internal sealed record DisputeState(
    string Id,
    string ChargeId,
    string PaymentIntentId,
    DateTimeOffset Created,
    long Amount,
    string Currency,
    string PaymentMethodType,
    string Reason,
    DisputeStatus Status,
    DateTimeOffset EvidenceDueBy);

/// <summary>Identifiers of the payment objects, in Stripe's formats.</summary>
internal static class StripePaymentIds
{
    public static string Charge() => SandboxIds.New("ch_", 24);

    public static string Refund() => SandboxIds.New("re_", 24);

    public static string Dispute() => SandboxIds.New("dp_", 24);

    public static string PaymentMethod() => SandboxIds.New("pm_", 24);

    public static string BalanceTransaction() => SandboxIds.New("txn_", 24);
}
