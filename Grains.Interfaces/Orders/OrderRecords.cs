using KlmSocialPay.Grains.Conversations;
using KlmSocialPay.Grains.Money;

namespace KlmSocialPay.Grains.Orders;

/// <summary>What a line item pays for.</summary>
public enum LineItemKind
{
    Rebooking,
    Seat,
    Baggage,
}

/// <summary>One thing the customer pays for. <see cref="Amount"/> is in minor units of the order's currency.</summary>
[GenerateSerializer, Immutable]
public sealed record LineItem(
    [property: Id(0)] LineItemKind Kind,
    [property: Id(1)] string Description,
    [property: Id(2)] long Amount);

/// <summary>An order as an agent requests it. <see cref="Language"/> is a two-letter code or null.</summary>
[GenerateSerializer, Immutable]
public sealed record NewOrder(
    [property: Id(0)] string BookingReference,
    [property: Id(1)] string Currency,
    [property: Id(2)] string? Language,
    [property: Id(3)] IReadOnlyList<LineItem> Items);

/// <summary>Everything the order grain needs to start an order.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderDraft(
    [property: Id(0)] ConversationKey Conversation,
    [property: Id(1)] string BookingReference,
    [property: Id(2)] string Currency,
    [property: Id(3)] string Language,
    [property: Id(4)] IReadOnlyList<LineItem> Items,
    [property: Id(5)] string AgentId);

/// <summary>One transition of an order: when, from where to where, why, and who caused it.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderHistoryEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] OrderStatus? From,
    [property: Id(2)] OrderStatus To,
    [property: Id(3)] OrderTrigger Trigger,
    [property: Id(4)] string Actor,
    [property: Id(5)] string? Detail);

/// <summary>The hosted payment page sent to the customer: a Stripe Checkout Session.</summary>
[GenerateSerializer, Immutable]
public sealed record PaymentLinkInfo(
    [property: Id(0)] string CheckoutSessionId,
    [property: Id(1)] string Url,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] bool Delivered,
    [property: Id(5)] bool Closed);

/// <summary>
/// Why the payment link could not be delivered to the customer. <see cref="Rule"/> names the platform rule
/// that stopped it (<c>messenger-24h-window</c>), if one did.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DeliveryFailure(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Code,
    [property: Id(2)] string Message,
    [property: Id(3)] string AgentId,
    [property: Id(4)] string? Rule = null);

/// <summary>A payment link message on its way: stored in the outbox and being sent, with retries.</summary>
[GenerateSerializer, Immutable]
public sealed record LinkDelivery(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string RequestedBy,
    [property: Id(2)] DateTimeOffset RequestedAt,
    [property: Id(3)] int Attempts,
    [property: Id(4)] DateTimeOffset? NextAttemptAt,
    [property: Id(5)] string? LastError,
    [property: Id(6)] string? Warning);

/// <summary>The payment that settled an order, as the provider reported it.</summary>
[GenerateSerializer, Immutable]
public sealed record PaymentRecord(
    [property: Id(0)] string CheckoutSessionId,
    [property: Id(1)] string? PaymentIntentId,
    [property: Id(2)] Money.Money Amount,
    [property: Id(3)] DateTimeOffset PaidAt,
    [property: Id(4)] string EventId);

/// <summary>Something on an order that an agent must look at, such as a payment of the wrong amount.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderAlert(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Code,
    [property: Id(2)] string Detail);

/// <summary>What the agent API shows of an order.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] ConversationKey Conversation,
    [property: Id(2)] string BookingReference,
    [property: Id(3)] string Language,
    [property: Id(4)] OrderStatus Status,
    [property: Id(5)] Money.Money Total,
    [property: Id(6)] IReadOnlyList<LineItem> Items,
    [property: Id(7)] IReadOnlyList<OrderHistoryEntry> History,
    [property: Id(8)] PaymentLinkInfo? PaymentLink,
    [property: Id(9)] DeliveryFailure? LastDeliveryFailure,
    [property: Id(10)] PaymentRecord? Payment,
    [property: Id(11)] IReadOnlyList<OrderAlert> Alerts,
    [property: Id(12)] string CreatedBy,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] LinkDelivery? PendingDelivery,
    [property: Id(15)] long RefundedAmount,
    [property: Id(16)] IReadOnlyList<Payments.RefundRecord> Refunds,
    [property: Id(17)] IReadOnlyList<Payments.DisputeRecord> Disputes);
