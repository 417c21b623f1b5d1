namespace KlmSocialPay.Grains.Payments;

/// <summary>The provider's refund and dispute events that change an order's payment.</summary>
public enum PaymentEventKind
{
    /// <summary>A refund was created (<c>refund.created</c>), usually pending.</summary>
    RefundCreated,

    /// <summary>A refund changed status (<c>refund.updated</c>); <see cref="PaymentEvent.Status"/> is the new status.</summary>
    RefundUpdated,

    /// <summary>A refund failed (<c>refund.failed</c>); the money went back to the merchant's balance.</summary>
    RefundFailed,

    /// <summary>The charge's refunded total changed (<c>charge.refunded</c>); <see cref="PaymentEvent.Amount"/> is that total.</summary>
    ChargeRefunded,

    DisputeCreated,
    DisputeClosed,
}

/// <summary>
/// A provider's refund or dispute event, reduced to the fields the domain needs. <see cref="ObjectId"/> is
/// the refund (<c>re_…</c>), charge (<c>ch_…</c>) or dispute (<c>dp_…</c>) id; amounts are ISO minor units.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PaymentEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] PaymentEventKind Kind,
    [property: Id(2)] string ObjectId,
    [property: Id(3)] string? PaymentIntentId,
    [property: Id(4)] string? Status,
    [property: Id(5)] long? Amount,
    [property: Id(6)] string? Currency,
    [property: Id(7)] string? Reason,
    [property: Id(8)] DateTimeOffset OccurredAt);

/// <summary>A refund of an order, as requested and as the provider reported it.</summary>
[GenerateSerializer, Immutable]
public sealed record RefundRecord(
    [property: Id(0)] string RefundId,
    [property: Id(1)] long Amount,
    [property: Id(2)] string Status,
    [property: Id(3)] string? RequestedBy,
    [property: Id(4)] DateTimeOffset RequestedAt,
    [property: Id(5)] string? FailureReason);

/// <summary>A dispute (chargeback) the customer opened with their bank.</summary>
[GenerateSerializer, Immutable]
public sealed record DisputeRecord(
    [property: Id(0)] string DisputeId,
    [property: Id(1)] long? Amount,
    [property: Id(2)] string Status,
    [property: Id(3)] string? Reason,
    [property: Id(4)] DateTimeOffset OpenedAt,
    [property: Id(5)] DateTimeOffset? ClosedAt);

/// <summary>
/// One PaymentIntent, keyed by its id (<c>pi_…</c>): which order it paid. Refund, charge and dispute events
/// name the PaymentIntent, not the order.
/// </summary>
public interface IPaymentIntentGrain : IGrainWithStringKey
{
    Task Register(string orderId);

    Task<string?> GetOrderId();
}

/// <summary>Raised when a refund is not possible: the order is not paid, or the amount is more than what is left.</summary>
[GenerateSerializer]
public sealed class RefundNotAllowedException : Exception
{
    public RefundNotAllowedException(string orderId, string detail)
        : base(detail)
    {
        OrderId = orderId;
        Detail = detail;
    }

    [Id(0)] public string OrderId { get; init; }

    [Id(1)] public string Detail { get; init; }
}
