namespace KlmSocialPay.Grains.PaymentLinks;

/// <summary>The provider events about a Checkout Session that change an order.</summary>
public enum CheckoutEventKind
{
    /// <summary>The customer finished the page; paid only when <see cref="CheckoutSessionEvent.PaymentStatus"/> is <c>paid</c>.</summary>
    Completed,

    /// <summary>A delayed payment method (SEPA Direct Debit) settled.</summary>
    AsyncPaymentSucceeded,

    /// <summary>A delayed payment method failed.</summary>
    AsyncPaymentFailed,

    /// <summary>The session expired unpaid, at its deadline or on request.</summary>
    Expired,
}

/// <summary>
/// A provider's webhook event about a Checkout Session, reduced to the fields the domain needs.
/// <see cref="AmountTotal"/> is in minor units of <see cref="Currency"/> (ISO 4217, upper case).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CheckoutSessionEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] CheckoutEventKind Kind,
    [property: Id(2)] string CheckoutSessionId,
    [property: Id(3)] string? OrderId,
    [property: Id(4)] string PaymentStatus,
    [property: Id(5)] long? AmountTotal,
    [property: Id(6)] string? Currency,
    [property: Id(7)] string? PaymentIntentId,
    [property: Id(8)] DateTimeOffset OccurredAt,
    [property: Id(9)] string ApiVersion)
{
    public bool IsPaid => string.Equals(PaymentStatus, "paid", StringComparison.Ordinal);
}

/// <summary>What applying a provider event did.</summary>
public enum EventOutcome
{
    /// <summary>The event changed the order, and the change is persisted.</summary>
    Applied,

    /// <summary>The event was applied before; nothing changed.</summary>
    Duplicate,

    /// <summary>The event is recorded but changes nothing, e.g. it is older than the order's state.</summary>
    Ignored,

    /// <summary>The payment does not match the order (amount or currency); the order is not paid and the agent is alerted.</summary>
    Rejected,

    /// <summary>No order or payment link matches the event.</summary>
    NotFound,
}
