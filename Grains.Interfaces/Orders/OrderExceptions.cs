namespace KlmSocialPay.Grains.Orders;

/// <summary>Raised when a trigger is not allowed in the order's current status. The API returns 409.</summary>
[GenerateSerializer]
public sealed class IllegalOrderTransitionException : Exception
{
    public IllegalOrderTransitionException(string orderId, OrderStatus from, OrderTrigger trigger)
        : base($"Order {orderId} is {Kebab(from)}, and {Kebab(trigger)} is not allowed in that status.")
    {
        OrderId = orderId;
        From = from;
        Trigger = trigger;
    }

    [Id(0)] public string OrderId { get; init; }

    [Id(1)] public OrderStatus From { get; init; }

    [Id(2)] public OrderTrigger Trigger { get; init; }

    private static string Kebab<T>(T value) where T : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}

/// <summary>Raised when an order id names no order.</summary>
[GenerateSerializer]
public sealed class OrderNotFoundException : Exception
{
    public OrderNotFoundException(string orderId)
        : base($"Order {orderId} does not exist.")
    {
        OrderId = orderId;
    }

    [Id(0)] public string OrderId { get; init; }
}

/// <summary>
/// Raised when the payment link could not be delivered to the customer. The order stays
/// <see cref="OrderStatus.Requested"/> with the failure recorded, and the agent can retry.
/// </summary>
[GenerateSerializer]
public sealed class PaymentLinkDeliveryException : Exception
{
    public PaymentLinkDeliveryException(string orderId, string code, string detail, bool retryable, string? rule = null)
        : base($"The payment link of order {orderId} could not be delivered: {detail}")
    {
        OrderId = orderId;
        Code = code;
        Detail = detail;
        Retryable = retryable;
        Rule = rule;
    }

    [Id(0)] public string OrderId { get; init; }

    [Id(1)] public string Code { get; init; }

    [Id(2)] public string Detail { get; init; }

    [Id(3)] public bool Retryable { get; init; }

    /// <summary>The platform rule that stopped the message (the API returns 409 then), or null for a technical failure (502).</summary>
    [Id(4)] public string? Rule { get; init; }
}

/// <summary>Raised when an agent requests a link while the previous one is still being delivered. The API returns 409.</summary>
[GenerateSerializer]
public sealed class LinkDeliveryInProgressException : Exception
{
    public LinkDeliveryInProgressException(string orderId, string messageId)
        : base($"The payment link of order {orderId} is still being delivered (message {messageId}); wait for it or cancel the order.")
    {
        OrderId = orderId;
        MessageId = messageId;
    }

    [Id(0)] public string OrderId { get; init; }

    [Id(1)] public string MessageId { get; init; }
}
