using KlmSocialPay.Grains.Messages;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Grains.Conversations;

/// <summary>The stored state of a conversation grain.</summary>
[GenerateSerializer]
public sealed class ConversationState
{
    [Id(0)] public ConversationKey? Key { get; set; }
    [Id(1)] public string? Language { get; set; }
    [Id(2)] public DateTimeOffset FirstMessageAt { get; set; }
    [Id(3)] public DateTimeOffset LastInboundAt { get; set; }
    [Id(4)] public List<ConversationMessage> Messages { get; set; } = [];
    [Id(5)] public List<string> OrderIds { get; set; } = [];
    [Id(6)] public bool RetentionReminderArmed { get; set; }
}

/// <summary>How long conversations keep message text. Bound from the configuration section <c>Conversations</c>.</summary>
public sealed class ConversationOptions
{
    public const string SectionName = "Conversations";

    /// <summary>How long message text is kept; then it is erased while orders and payments keep their records.</summary>
    public TimeSpan TextRetention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>One customer on one channel: the messages in both directions and the orders created for them.</summary>
public sealed class ConversationGrain(
    [PersistentState("conversation", StorageNames.Grains)] IPersistentState<ConversationState> conversation,
    IOptions<ConversationOptions> options,
    TimeProvider clock,
    ILogger<ConversationGrain> logger) : Grain, IConversationGrain, IRemindable
{
    private const string RetentionReminder = "retention";

    /// <summary>How often the retention reminder looks for expired text.</summary>
    private static readonly TimeSpan RetentionCheckPeriod = TimeSpan.FromDays(1);

    private ConversationState State => conversation.State;

    private string Key => this.GetPrimaryKeyString();

    public async Task<bool> RecordInboundMessage(InboundMessage message)
    {
        if (State.Messages.Any(m => m.PlatformMessageId == message.PlatformMessageId))
        {
            logger.LogDebug("Message {MessageId} of {ConversationKey} already recorded", message.PlatformMessageId, Key);
            return false;
        }

        if (State.Key is null)
        {
            State.Key = ConversationKey.Parse(Key);
            State.FirstMessageAt = message.SentAt;
        }

        State.Messages.Add(new ConversationMessage(
            message.PlatformMessageId, MessageDirection.Inbound, message.Text, message.AttachmentTypes, message.SentAt, null));
        if (message.SentAt > State.LastInboundAt)
        {
            State.LastInboundAt = message.SentAt;
        }

        var armReminder = !State.RetentionReminderArmed;
        State.RetentionReminderArmed = true;
        await conversation.WriteStateAsync();
        if (armReminder)
        {
            await this.RegisterOrUpdateReminder(RetentionReminder, RetentionCheckPeriod, RetentionCheckPeriod);
        }

        logger.LogInformation(
            "Message {MessageId} recorded in {ConversationKey} ({AttachmentCount} attachments)",
            message.PlatformMessageId, Key, message.AttachmentTypes.Count);
        return true;
    }

    public async Task RecordOutboundMessage(ConversationMessage message)
    {
        var index = message.MessageId is null ? -1 : State.Messages.FindIndex(m => m.MessageId == message.MessageId);
        if (index >= 0)
        {
            State.Messages[index] = message;
        }
        else
        {
            State.Messages.Add(message);
        }

        await conversation.WriteStateAsync();
    }

    public async Task<bool> RecordDeliveryStatus(string platformMessageId, DeliveryStatus status, DateTimeOffset at, string? error)
    {
        var index = State.Messages.FindIndex(m => m.Direction == MessageDirection.Outbound && m.PlatformMessageId == platformMessageId);
        if (index < 0)
        {
            return false;
        }

        var current = State.Messages[index];
        if (current.Delivery is { } known && known != DeliveryStatus.Failed && status != DeliveryStatus.Failed && status <= known)
        {
            return true;
        }

        State.Messages[index] = current with { Delivery = status, DeliveryError = error };
        await conversation.WriteStateAsync();

        logger.LogInformation(
            "Message {PlatformMessageId} in {ConversationKey} is {DeliveryStatus}", platformMessageId, Key, status);
        return true;
    }

    public Task<ConversationSnapshot?> GetSnapshot() => Task.FromResult(
        State.Key is null
            ? null
            : new ConversationSnapshot(
                State.Key, State.Language, State.FirstMessageAt, State.LastInboundAt, [.. State.Messages], [.. State.OrderIds]));

    public async Task<int> EraseExpiredText()
    {
        var cutoff = clock.GetUtcNow() - options.Value.TextRetention;
        var erased = 0;
        for (var i = 0; i < State.Messages.Count; i++)
        {
            var message = State.Messages[i];
            if (message.At < cutoff && message.Text is not null)
            {
                State.Messages[i] = message with { Text = null, TextErased = true };
                erased++;
            }
        }

        if (erased > 0)
        {
            await conversation.WriteStateAsync();
            logger.LogInformation("Erased the text of {Count} message(s) in {ConversationKey} older than {Cutoff}", erased, Key, cutoff);
        }

        return erased;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == RetentionReminder)
        {
            await EraseExpiredText();
        }
    }

    public async Task<OrderSnapshot> CreateOrder(NewOrder newOrder, string agentId)
    {
        if (State.Key is null)
        {
            throw new ConversationNotFoundException(Key);
        }

        var orderId = $"ord_{Guid.NewGuid():N}";
        var language = Languages.Resolve(newOrder.Language, State.Language);
        var draft = new OrderDraft(State.Key, newOrder.BookingReference, newOrder.Currency, language, newOrder.Items, agentId);

        var snapshot = await GrainFactory.GetGrain<IOrderGrain>(orderId).Create(draft);
        await GrainFactory.GetGrain<Reconciliation.IOrderIndexGrain>(Reconciliation.OrderIndexGrain.KeyFor(snapshot.CreatedAt, orderId)).Add(orderId);

        State.OrderIds.Add(orderId);
        if (newOrder.Language is not null)
        {
            // The agent's explicit choice is the best guess for the customer's next orders too.
            State.Language = language;
        }

        await conversation.WriteStateAsync();
        return snapshot;
    }
}
