namespace KlmSocialPay.Grains.Agents;

/// <summary>The kind of event an agent is notified of. The API writes these in kebab case (<c>payment-received</c>).</summary>
public enum NotificationType
{
    PaymentReceived,
    PaymentFailed,
    LinkExpired,
    PaymentMismatch,
    LinkDeliveryFailed,
    RefundFailed,
    DisputeOpened,
    DisputeClosed,
}

/// <summary>
/// A message to an agent about one order. <see cref="Id"/> is derived from the cause (order, type and provider
/// event), so the same cause never notifies twice. <see cref="Sequence"/> is assigned by the agent grain,
/// increasing by one per notification, and lets a stream resume after a reconnect.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AgentNotification(
    [property: Id(0)] string Id,
    [property: Id(1)] NotificationType Type,
    [property: Id(2)] string OrderId,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] Money.Money? Amount,
    [property: Id(5)] string? Detail,
    [property: Id(6)] long Sequence = 0);

/// <summary>A live listener for an agent's notifications, such as an open Server-Sent Events stream.</summary>
public interface IAgentNotificationObserver : IGrainObserver
{
    Task OnNotification(AgentNotification notification);
}

/// <summary>One agent, keyed by agent id: the agent's notifications, kept in order.</summary>
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Stores a notification and pushes it to live listeners. A notification with a known id is ignored.</summary>
    Task Notify(AgentNotification notification);

    /// <summary>Returns the notifications with a sequence above <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<AgentNotification>> GetNotifications(long afterSequence);

    /// <summary>Adds or refreshes a live listener; listeners that do not refresh within two minutes are dropped.</summary>
    Task Subscribe(IAgentNotificationObserver observer);

    Task Unsubscribe(IAgentNotificationObserver observer);
}
