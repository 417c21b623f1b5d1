namespace KlmSocialPay.Sandbox.Stripe;

internal enum CheckoutSessionStatus
{
    Open,
    Complete,
    Expired,
}

/// <summary>Progress of a delayed payment method (SEPA Direct Debit) after the customer submitted the page.</summary>
internal enum DelayedPaymentStatus
{
    None,
    Processing,
    Succeeded,
    Failed,
}

/// <summary>One line of the order, with amounts in minor units of <see cref="Currency"/>.</summary>
internal sealed record CheckoutLineItem(string Name, string? Description, string Currency, long UnitAmount, long Quantity)
{
    public long AmountTotal => checked(UnitAmount * Quantity);
}

/// <summary>The validated parameters of <c>POST /v1/checkout/sessions</c>.</summary>
internal sealed record CheckoutSessionDraft(
    string Currency,
    IReadOnlyList<CheckoutLineItem> LineItems,
    long AmountTotal,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<string> AllowedPaymentMethodTypes,
    IReadOnlyList<string> ExcludedPaymentMethodTypes,
    IReadOnlyList<string> PaymentMethodTypes,
    string? ClientReferenceId,
    string? CustomerEmail,
    string? Locale,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, string> PaymentIntentMetadata,
    string? PaymentIntentDescription,
    string? SuccessUrl,
    string? CancelUrl,
    string? SubmitType,
    string? BillingAddressCollection);

/// <summary>
/// A Checkout Session at one moment. Instances are immutable: every change makes a new one, so an event keeps
/// the snapshot it was emitted with.
/// </summary>
internal sealed record CheckoutSessionState(
    string Id,
    DateTimeOffset Created,
    CheckoutSessionDraft Parameters,
    CheckoutSessionStatus Status,
    bool Paid,
    string? PaymentIntentId,
    string? PaymentMethodType,
    DelayedPaymentStatus DelayedPayment,
    DateTimeOffset? SubmittedAt)
{
    public bool IsOpen => Status == CheckoutSessionStatus.Open;

    public string PaymentStatus => Paid ? "paid" : "unpaid";

    public static CheckoutSessionState Open(string id, DateTimeOffset created, CheckoutSessionDraft parameters) =>
        new(id, created, parameters, CheckoutSessionStatus.Open, Paid: false, PaymentIntentId: null,
            PaymentMethodType: null, DelayedPayment: DelayedPaymentStatus.None, SubmittedAt: null);
}
