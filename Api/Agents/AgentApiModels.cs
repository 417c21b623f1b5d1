using KlmSocialPay.Grains.Money;

namespace KlmSocialPay.Api.Agents;

/// <summary>An amount in minor units with its ISO 4217 currency: <c>{ "amount": 4500, "currency": "EUR" }</c>.</summary>
public sealed record MoneyResponse(long Amount, string Currency)
{
    public static MoneyResponse From(Money money) => new(money.MinorUnits, money.Currency);
}

public sealed record LineItemResponse(LineItemKind Kind, string Description, long Amount);

public sealed record HistoryEntryResponse(
    DateTimeOffset At, OrderStatus? From, OrderStatus To, OrderTrigger Trigger, string Actor, string? Detail);

public sealed record PaymentLinkResponse(string Url, DateTimeOffset ExpiresAt, string CheckoutSessionId, bool Delivered, bool Closed);

public sealed record DeliveryFailureResponse(DateTimeOffset At, string Code, string Message, string AgentId, string? Rule);

/// <summary>A payment link message the outbox is still sending.</summary>
public sealed record PendingDeliveryResponse(
    string MessageId, string RequestedBy, DateTimeOffset RequestedAt, int Attempts, DateTimeOffset? NextAttemptAt, string? LastError);

public sealed record PaymentResponse(string CheckoutSessionId, string? PaymentIntentId, MoneyResponse Amount, DateTimeOffset PaidAt);

public sealed record AlertResponse(DateTimeOffset At, string Code, string Detail);

/// <summary>A refund: <c>status</c> is Stripe's (pending, succeeded, failed, canceled); the amount is in minor units.</summary>
public sealed record RefundResponse(string Id, long Amount, string Status, string? RequestedBy, DateTimeOffset RequestedAt, string? FailureReason);

public sealed record DisputeResponse(string Id, long? Amount, string Status, string? Reason, DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt);

/// <summary>The body of <c>POST /api/orders/{orderId}/refunds</c>: the amount to refund, in minor units.</summary>
public sealed record RefundRequestBody(long? Amount);

public sealed record ConversationRefResponse(string Channel, string CustomerId);

/// <summary>An order as the agent app shows it.</summary>
public sealed record OrderResponse(
    string Id,
    OrderStatus Status,
    ConversationRefResponse Conversation,
    string BookingReference,
    string Language,
    MoneyResponse Total,
    IReadOnlyList<LineItemResponse> Items,
    IReadOnlyList<HistoryEntryResponse> History,
    PaymentLinkResponse? PaymentLink,
    DeliveryFailureResponse? LastDeliveryFailure,
    PendingDeliveryResponse? PendingDelivery,
    PaymentResponse? Payment,
    IReadOnlyList<AlertResponse> Alerts,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    MoneyResponse Refunded,
    IReadOnlyList<RefundResponse> Refunds,
    IReadOnlyList<DisputeResponse> Disputes)
{
    public static OrderResponse From(OrderSnapshot order) => new(
        order.Id,
        order.Status,
        new ConversationRefResponse(ConversationKey.ChannelName(order.Conversation.Channel), order.Conversation.CustomerId),
        order.BookingReference,
        order.Language,
        MoneyResponse.From(order.Total),
        [.. order.Items.Select(i => new LineItemResponse(i.Kind, i.Description, i.Amount))],
        [.. order.History.Select(h => new HistoryEntryResponse(h.At, h.From, h.To, h.Trigger, h.Actor, h.Detail))],
        order.PaymentLink is { } link
            ? new PaymentLinkResponse(link.Url, link.ExpiresAt, link.CheckoutSessionId, link.Delivered, link.Closed)
            : null,
        order.LastDeliveryFailure is { } failure
            ? new DeliveryFailureResponse(failure.At, failure.Code, failure.Message, failure.AgentId, failure.Rule)
            : null,
        order.PendingDelivery is { } pending
            ? new PendingDeliveryResponse(pending.MessageId, pending.RequestedBy, pending.RequestedAt, pending.Attempts, pending.NextAttemptAt, pending.LastError)
            : null,
        order.Payment is { } payment
            ? new PaymentResponse(payment.CheckoutSessionId, payment.PaymentIntentId, MoneyResponse.From(payment.Amount), payment.PaidAt)
            : null,
        [.. order.Alerts.Select(a => new AlertResponse(a.At, a.Code, a.Detail))],
        order.CreatedBy,
        order.CreatedAt,
        new MoneyResponse(order.RefundedAmount, order.Total.Currency),
        [.. order.Refunds.Select(r => new RefundResponse(r.RefundId, r.Amount, r.Status, r.RequestedBy, r.RequestedAt, r.FailureReason))],
        [.. order.Disputes.Select(d => new DisputeResponse(d.DisputeId, d.Amount, d.Status, d.Reason, d.OpenedAt, d.ClosedAt))]);
}

/// <summary>
/// One message. <c>id</c> is the platform's id (absent for an outbound message the platform has not accepted yet),
/// <c>messageId</c> the product's id of an outbound message, and <c>textErased</c> is true once the retention period removed the text.
/// </summary>
public sealed record MessageResponse(
    string? Id,
    MessageDirection Direction,
    string? Text,
    IReadOnlyList<string> Attachments,
    DateTimeOffset At,
    string? OrderId,
    string? MessageId,
    DeliveryStatus? Delivery,
    string? DeliveryError,
    bool TextErased)
{
    public static MessageResponse From(ConversationMessage m) =>
        new(m.PlatformMessageId, m.Direction, m.Text, m.AttachmentTypes, m.At, m.OrderId, m.MessageId, m.Delivery, m.DeliveryError, m.TextErased);
}

/// <summary>A conversation with its messages and orders.</summary>
public sealed record ConversationResponse(
    string Channel,
    string CustomerId,
    string? Language,
    DateTimeOffset FirstMessageAt,
    DateTimeOffset LastInboundAt,
    IReadOnlyList<MessageResponse> Messages,
    IReadOnlyList<OrderResponse> Orders);

/// <summary>A notification for the calling agent.</summary>
public sealed record NotificationResponse(
    long Sequence, NotificationType Type, string OrderId, DateTimeOffset At, MoneyResponse? Amount, string? Detail)
{
    public static NotificationResponse From(AgentNotification n) =>
        new(n.Sequence, n.Type, n.OrderId, n.At, n.Amount is { } amount ? MoneyResponse.From(amount) : null, n.Detail);
}

/// <summary>The body of <c>POST /api/conversations/{channel}/{customerId}/orders</c>. Amounts are in minor units.</summary>
public sealed record CreateOrderRequest(
    string? BookingReference,
    string? Currency,
    string? Language,
    IReadOnlyList<CreateOrderItemRequest?>? Items);

public sealed record CreateOrderItemRequest(string? Kind, string? Description, long? Amount);
