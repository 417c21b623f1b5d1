using Orleans.Utilities;

namespace KlmSocialPay.Grains.Agents;

/// <summary>The stored state of an agent grain.</summary>
[GenerateSerializer]
public sealed class AgentState
{
    /// <summary>How many notifications an agent keeps; older ones are dropped first.</summary>
    public const int MaxNotifications = 1000;

    [Id(0)] public List<AgentNotification> Notifications { get; set; } = [];
    [Id(1)] public long LastSequence { get; set; }
}

/// <summary>One agent's notifications: stored in order, then pushed to the agent's open event streams.</summary>
public sealed class AgentGrain : Grain, IAgentGrain
{
    private static readonly TimeSpan ObserverExpiry = TimeSpan.FromMinutes(2);

    private readonly IPersistentState<AgentState> agent;
    private readonly ILogger<AgentGrain> logger;
    private readonly ObserverManager<IAgentNotificationObserver> observers;

    public AgentGrain(
        [PersistentState("agent", StorageNames.Grains)] IPersistentState<AgentState> agent,
        ILogger<AgentGrain> logger)
    {
        this.agent = agent;
        this.logger = logger;
        observers = new ObserverManager<IAgentNotificationObserver>(ObserverExpiry, logger);
    }

    private string AgentId => this.GetPrimaryKeyString();

    public async Task Notify(AgentNotification notification)
    {
        if (agent.State.Notifications.Any(n => n.Id == notification.Id))
        {
            return;
        }

        var stored = notification with { Sequence = agent.State.LastSequence + 1 };
        agent.State.LastSequence = stored.Sequence;
        agent.State.Notifications.Add(stored);
        if (agent.State.Notifications.Count > AgentState.MaxNotifications)
        {
            agent.State.Notifications.RemoveRange(0, agent.State.Notifications.Count - AgentState.MaxNotifications);
        }

        await agent.WriteStateAsync();

        logger.LogInformation(
            "Agent {AgentId} notified of {NotificationType} for order {OrderId} (sequence {Sequence})",
            AgentId, stored.Type, stored.OrderId, stored.Sequence);
        await observers.Notify(observer => observer.OnNotification(stored));
    }

    public Task<IReadOnlyList<AgentNotification>> GetNotifications(long afterSequence) =>
        Task.FromResult<IReadOnlyList<AgentNotification>>(
            agent.State.Notifications.Where(n => n.Sequence > afterSequence).ToList());

    public Task Subscribe(IAgentNotificationObserver observer)
    {
        observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IAgentNotificationObserver observer)
    {
        observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }
}
