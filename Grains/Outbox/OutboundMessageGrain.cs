using Microsoft.Extensions.Options;

namespace KlmSocialPay.Grains.Outbox;

/// <summary>The stored state of an outbound message.</summary>
[GenerateSerializer]
public sealed class OutboundMessageState
{
    [Id(0)] public OutboundRequest? Request { get; set; }
    [Id(1)] public OutboundStatus Status { get; set; }
    [Id(2)] public int Attempts { get; set; }
    [Id(3)] public string? PlatformMessageId { get; set; }
    [Id(4)] public DateTimeOffset? SentAt { get; set; }
    [Id(5)] public DateTimeOffset? NextAttemptAt { get; set; }
    [Id(6)] public SendFailure? LastFailure { get; set; }

    /// <summary>True from just before a send until its response is stored: a send that may have reached the platform.</summary>
    [Id(7)] public bool InFlight { get; set; }

    [Id(8)] public DateTimeOffset CreatedAt { get; set; }
}

/// <inheritdoc cref="IOutboundMessageGrain"/>
public sealed class OutboundMessageGrain(
    [PersistentState("outboundMessage", StorageNames.Grains)] IPersistentState<OutboundMessageState> outbound,
    IEnumerable<IChannelSender> channelSenders,
    IOptions<OutboxOptions> outboxOptions,
    IOptions<PaymentLinkOptions> linkOptions,
    TimeProvider clock,
    ILogger<OutboundMessageGrain> logger) : Grain, IOutboundMessageGrain, IRemindable
{
    private const string RetryReminder = "send";

    /// <summary>The reminder's period, a backstop in case the silo dies between two attempts.</summary>
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    /// <summary>A reminder may fire this much before the scheduled attempt and still count as on time.</summary>
    private static readonly TimeSpan EarlyTolerance = TimeSpan.FromSeconds(1);

    private OutboundMessageState State => outbound.State;

    private string MessageId => this.GetPrimaryKeyString();

    public async Task<OutboundReport> Submit(OutboundRequest request)
    {
        if (State.Request is not null)
        {
            return Report();
        }

        State.Request = request;
        State.Status = OutboundStatus.Pending;
        State.CreatedAt = clock.GetUtcNow();
        await outbound.WriteStateAsync();

        // Armed before the first send, so a crash in the middle of it still leads to a retry.
        await this.RegisterOrUpdateReminder(RetryReminder, ReminderPeriod, ReminderPeriod);
        await RecordInConversation(DeliveryStatus.Pending, null);

        await Attempt(reportToOrder: false);
        return Report();
    }

    public Task<OutboundReport?> GetReport() => Task.FromResult(State.Request is null ? null : Report());

    public async Task ConfirmByEcho(string platformMessageId)
    {
        if (State.Request is null || State.Status != OutboundStatus.Pending)
        {
            return;
        }

        logger.LogInformation("Message {MessageId} confirmed by the platform's echo {PlatformMessageId}", MessageId, platformMessageId);
        await MarkSent(new SentMessage(platformMessageId, clock.GetUtcNow()), reportToOrder: true);
    }

    public async Task Cancel()
    {
        if (State.Status != OutboundStatus.Pending)
        {
            return;
        }

        State.Status = OutboundStatus.Failed;
        State.LastFailure = new SendFailure(clock.GetUtcNow(), "cancelled", "The order was cancelled before the message was sent.", SendFailureKind.Permanent, null);
        await Finish(DeliveryStatus.Failed, State.LastFailure.Detail);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RetryReminder)
        {
            return;
        }

        if (State.Status != OutboundStatus.Pending)
        {
            await DisarmReminder();
            return;
        }

        if (State.NextAttemptAt is { } next && next - clock.GetUtcNow() > EarlyTolerance)
        {
            return;
        }

        if (State.InFlight)
        {
            // The silo stopped during a send: the platform may have the message, so wait for its echo once.
            State.InFlight = false;
            await Schedule(outboxOptions.Value.UnknownOutcomeWait, new SendFailure(
                clock.GetUtcNow(), "interrupted", "The send was interrupted; waiting for the platform's confirmation.", SendFailureKind.Unknown, null));
            return;
        }

        await Attempt(reportToOrder: true);
    }

    private async Task Attempt(bool reportToOrder)
    {
        var request = State.Request!;
        var channel = request.Message.Recipient.Channel;
        var sender = channelSenders.FirstOrDefault(s => s.Channel == channel);
        if (sender is null)
        {
            await Fail(new SendFailure(clock.GetUtcNow(), "channel-unavailable", $"No sender is configured for channel {channel}.", SendFailureKind.Permanent, null), reportToOrder);
            return;
        }

        var gate = GrainFactory.GetGrain<IChannelGateGrain>(ConversationKey.ChannelName(channel));
        var decision = await gate.TryAcquire();
        if (!decision.Allowed)
        {
            logger.LogInformation("Message {MessageId} waits for channel {Channel} until {RetryAt}: {Reason}", MessageId, channel, decision.RetryAt, decision.Reason);
            await Schedule(decision.RetryAt!.Value - clock.GetUtcNow(), State.LastFailure);
            return;
        }

        State.Attempts++;
        State.InFlight = true;
        await outbound.WriteStateAsync();

        SentMessage sent;
        try
        {
            using var timeout = new CancellationTokenSource(linkOptions.Value.OutboundCallTimeout);
            sent = await sender.Send(request.Message, timeout.Token);
        }
        catch (ChannelSendException ex)
        {
            State.InFlight = false;
            await HandleFailure(ex, gate, reportToOrder);
            return;
        }

        await MarkSent(sent, reportToOrder);
    }

    private async Task HandleFailure(ChannelSendException ex, IChannelGateGrain gate, bool reportToOrder)
    {
        var now = clock.GetUtcNow();
        var failure = new SendFailure(now, ex.Code, ex.Detail, ex.Kind, ex.Rule);
        logger.LogWarning(
            "Message {MessageId} attempt {Attempt} failed on {Channel}: {ErrorCode} ({FailureKind})",
            MessageId, State.Attempts, State.Request!.Message.Recipient.Channel, ex.Code, ex.Kind);

        switch (ex.Kind)
        {
            case SendFailureKind.Permanent:
                await Fail(failure, reportToOrder);
                return;
            case SendFailureKind.RateLimited:
                var pause = ex.RetryAfter ?? outboxOptions.Value.BaseDelay;
                await gate.Pause(now + pause, $"rate limited ({ex.Code})");
                RecordAttempt(LinkDeliveryOutcome.RateLimited);
                // A rate-limit response is not about this message, so it does not use up an attempt.
                State.Attempts--;
                await Schedule(pause, failure);
                return;
        }

        if (State.Attempts >= outboxOptions.Value.MaxAttempts)
        {
            await Fail(failure with { Detail = $"{failure.Detail} Gave up after {State.Attempts} attempts." }, reportToOrder);
            return;
        }

        RecordAttempt(LinkDeliveryOutcome.Retried);
        var delay = ex.Kind == SendFailureKind.Unknown
            ? outboxOptions.Value.UnknownOutcomeWait
            : outboxOptions.Value.RetryDelay(State.Attempts + 1, Random.Shared);
        await Schedule(delay, failure);
    }

    private async Task Schedule(TimeSpan delay, SendFailure? failure)
    {
        var due = delay > TimeSpan.Zero ? delay : TimeSpan.FromMilliseconds(10);
        State.NextAttemptAt = clock.GetUtcNow() + due;
        State.LastFailure = failure;
        await outbound.WriteStateAsync();
        await this.RegisterOrUpdateReminder(RetryReminder, due, ReminderPeriod);
    }

    private async Task MarkSent(SentMessage sent, bool reportToOrder)
    {
        State.Status = OutboundStatus.Sent;
        State.InFlight = false;
        State.PlatformMessageId = sent.PlatformMessageId;
        State.SentAt = sent.SentAt;
        State.NextAttemptAt = null;
        await Finish(DeliveryStatus.Sent, null);
        RecordAttempt(LinkDeliveryOutcome.Sent);

        logger.LogInformation(
            "Message {MessageId} sent as {PlatformMessageId} after {Attempts} attempt(s)", MessageId, sent.PlatformMessageId, State.Attempts);
        if (reportToOrder && State.Request!.OrderId is { } orderId)
        {
            await GrainFactory.GetGrain<IOrderGrain>(orderId).OnLinkDelivered(MessageId, sent);
        }
    }

    private async Task Fail(SendFailure failure, bool reportToOrder)
    {
        State.Status = OutboundStatus.Failed;
        State.InFlight = false;
        State.LastFailure = failure;
        State.NextAttemptAt = null;
        await Finish(DeliveryStatus.Failed, failure.Detail);
        RecordAttempt(LinkDeliveryOutcome.Failed);

        logger.LogWarning("Message {MessageId} failed for good: {ErrorCode}", MessageId, failure.Code);
        if (reportToOrder && State.Request!.OrderId is { } orderId)
        {
            await GrainFactory.GetGrain<IOrderGrain>(orderId).OnLinkDeliveryFailed(MessageId, failure);
        }
    }

    /// <summary>
    /// Records the final status in the conversation, stores it without the message text (the conversation
    /// keeps the text for its retention period) and stops the retries.
    /// </summary>
    private async Task Finish(DeliveryStatus delivery, string? error)
    {
        await RecordInConversation(delivery, error);
        State.Request = State.Request! with { Message = State.Request.Message with { Text = "" } };
        await outbound.WriteStateAsync();
        await DisarmReminder();
    }

    private Task RecordInConversation(DeliveryStatus delivery, string? error)
    {
        var request = State.Request!;
        return GrainFactory.GetGrain<IConversationGrain>(request.Message.Recipient.ToString()).RecordOutboundMessage(new ConversationMessage(
            State.PlatformMessageId, MessageDirection.Outbound, request.Message.Text, [], State.SentAt ?? State.CreatedAt,
            request.OrderId, MessageId, delivery, error));
    }

    private async Task DisarmReminder()
    {
        if (await this.GetReminder(RetryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void RecordAttempt(LinkDeliveryOutcome outcome)
    {
        if (State.Request?.OrderId is not null)
        {
            ProductMetrics.RecordLinkDeliveryAttempt(State.Request.Message.Recipient.Channel, outcome);
        }
    }

    private OutboundReport Report() =>
        new(MessageId, State.Status, State.Attempts, State.PlatformMessageId, State.SentAt, State.NextAttemptAt, State.LastFailure);
}
