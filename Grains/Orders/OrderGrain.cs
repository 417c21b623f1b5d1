using KlmSocialPay.Grains.Messages;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Grains.Orders;

/// <summary>
/// One order: its line items, its state machine (<see cref="OrderStateMachine"/>), its payment link and
/// its payment. Provider events are applied at most once per event id.
/// </summary>
public sealed partial class OrderGrain(
    [PersistentState("order", StorageNames.Grains)] IPersistentState<OrderState> order,
    ICheckoutProvider checkoutProvider,
    IEnumerable<IChannelSender> channelSenders,
    IOptions<PaymentLinkOptions> options,
    TimeProvider clock,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain
{
    private string OrderId => this.GetPrimaryKeyString();

    private OrderState State => order.State;

    public async Task<OrderSnapshot> Create(OrderDraft draft)
    {
        if (State.Created)
        {
            throw new InvalidOperationException($"Order {OrderId} already exists.");
        }

        var now = clock.GetUtcNow();
        State.Created = true;
        State.Conversation = draft.Conversation;
        State.BookingReference = draft.BookingReference;
        State.Language = draft.Language;
        State.Items = [.. draft.Items];
        State.Total = Money.Money.Sum(draft.Items.Select(item => new Money.Money(item.Amount, draft.Currency)), draft.Currency);
        State.CreatedBy = draft.AgentId;
        State.CreatedAt = now;
        State.Status = OrderStatus.Requested;
        State.History.Add(new OrderHistoryEntry(now, null, OrderStatus.Requested, OrderTrigger.Create, draft.AgentId, null));

        await order.WriteStateAsync();
        ProductMetrics.RecordOrderTransition(null, OrderStatus.Requested);

        logger.LogInformation(
            "Order {OrderId} created by {AgentId} in {ConversationKey} for {Amount} {Currency}",
            OrderId, draft.AgentId, draft.Conversation.ToString(), State.Total.MinorUnits, State.Total.Currency);
        return Snapshot();
    }

    public Task<OrderSnapshot?> GetSnapshot() => Task.FromResult(State.Created ? Snapshot() : null);

    public async Task<OrderSnapshot> RequestPaymentLink(string agentId)
    {
        EnsureCreated();
        OrderStateMachine.Next(OrderId, State.Status, OrderTrigger.SendLink);
        if (State.PendingDelivery is { } inProgress)
        {
            // The outbox may have finished (or never received the message, if the hand-off was lost in a
            // crash) without the order hearing of it: settle the pending delivery from the outbox first.
            var known = await GrainFactory.GetGrain<IOutboundMessageGrain>(inProgress.MessageId).GetReport();
            switch (known?.Status)
            {
                case OutboundStatus.Pending:
                    throw new LinkDeliveryInProgressException(OrderId, inProgress.MessageId);
                case OutboundStatus.Sent:
                    ApplyDelivered(inProgress.MessageId, inProgress.RequestedBy);
                    await order.WriteStateAsync();
                    throw new IllegalOrderTransitionException(OrderId, State.Status, OrderTrigger.SendLink);
                case OutboundStatus.Failed:
                    ApplyDeliveryFailed(known.LastFailure!, inProgress.RequestedBy);
                    break;
                default:
                    logger.LogWarning("Order {OrderId} clears pending message {MessageId}, which the outbox never stored", OrderId, inProgress.MessageId);
                    State.PendingDelivery = null;
                    break;
            }
        }

        var channel = State.Conversation!.Channel;
        var sender = channelSenders.FirstOrDefault(s => s.Channel == channel)
            ?? throw new PaymentLinkDeliveryException(OrderId, "channel-unavailable",
                $"No sender is configured for channel {channel}.", retryable: false);
        var conversation = await GrainFactory.GetGrain<IConversationGrain>(State.Conversation.ToString()).GetSnapshot();
        var policy = sender.CheckPolicy(conversation?.LastInboundAt, clock.GetUtcNow());
        if (!policy.Allowed)
        {
            logger.LogInformation("Payment link of order {OrderId} rejected by platform rule {Rule}", OrderId, policy.Rule);
            throw new PaymentLinkDeliveryException(OrderId, "policy", policy.Detail!, retryable: false, policy.Rule);
        }

        var link = await EnsureOpenLink();

        var (text, buttonTitle) = PaymentLinkTexts.Compose(State.Language, State.BookingReference, State.Total, link.ExpiresAt);
        var message = new OutboundMessage(
            $"msg_{Guid.NewGuid():N}", State.Conversation, text, buttonTitle, link.Url, conversation?.LastInboundAt);
        State.PendingDelivery = new LinkDelivery(message.MessageId, agentId, clock.GetUtcNow(), 0, null, null, null);
        await order.WriteStateAsync();

        var report = await GrainFactory.GetGrain<IOutboundMessageGrain>(message.MessageId)
            .Submit(new OutboundRequest(message, OrderId, agentId));

        switch (report.Status)
        {
            case OutboundStatus.Sent:
                ApplyDelivered(message.MessageId, agentId);
                await order.WriteStateAsync();
                return Snapshot();

            case OutboundStatus.Failed:
                var failure = report.LastFailure!;
                ApplyDeliveryFailed(failure, agentId);
                await order.WriteStateAsync();
                throw new PaymentLinkDeliveryException(OrderId, failure.Code, failure.Detail, retryable: failure.Rule is null, failure.Rule);

            default:
                State.PendingDelivery = State.PendingDelivery with
                {
                    Attempts = report.Attempts,
                    NextAttemptAt = report.NextAttemptAt,
                    LastError = report.LastFailure?.Detail,
                };
                await order.WriteStateAsync();
                logger.LogInformation(
                    "Payment link of order {OrderId} not sent yet; message {MessageId} retries at {NextAttemptAt}",
                    OrderId, message.MessageId, report.NextAttemptAt);
                return Snapshot();
        }
    }

    public async Task OnLinkDelivered(string messageId, SentMessage sent)
    {
        if (State.PendingDelivery?.MessageId != messageId)
        {
            return;
        }

        if (!OrderStateMachine.TryNext(State.Status, OrderTrigger.SendLink, out _))
        {
            // Cancelled (or paid) while the message was on its way.
            logger.LogInformation("Order {OrderId} is {Status}; the late delivery of {MessageId} changes nothing", OrderId, State.Status, messageId);
            State.PendingDelivery = null;
            await order.WriteStateAsync();
            return;
        }

        ApplyDelivered(messageId, State.PendingDelivery.RequestedBy);
        await order.WriteStateAsync();
    }

    public async Task OnLinkDeliveryFailed(string messageId, SendFailure failure)
    {
        if (State.PendingDelivery is not { } pending || pending.MessageId != messageId)
        {
            return;
        }

        ApplyDeliveryFailed(failure, pending.RequestedBy);
        Notify(NotificationType.LinkDeliveryFailed, messageId, State.Total, failure.Detail);
        await order.WriteStateAsync();
        await FlushNotifications();
    }

    private void ApplyDelivered(string messageId, string agentId)
    {
        State.PaymentLink = State.PaymentLink! with { Delivered = true };
        State.LastDeliveryFailure = null;
        State.PendingDelivery = null;
        State.LinkRequestedBy = agentId;
        Transition(OrderTrigger.SendLink, agentId, $"{State.PaymentLink.CheckoutSessionId} via {messageId}");
    }

    private void ApplyDeliveryFailed(SendFailure failure, string agentId)
    {
        State.LastDeliveryFailure = new DeliveryFailure(failure.At, failure.Code, failure.Detail, agentId, failure.Rule);
        State.PendingDelivery = null;
        logger.LogWarning(
            "Payment link of order {OrderId} not delivered on {Channel}: code {ErrorCode}, rule {Rule}",
            OrderId, State.Conversation!.Channel, failure.Code, failure.Rule);
    }

    public async Task<OrderSnapshot> Cancel(string agentId)
    {
        EnsureCreated();
        OrderStateMachine.Next(OrderId, State.Status, OrderTrigger.Cancel);

        if (State.PendingDelivery is { } pending)
        {
            await GrainFactory.GetGrain<IOutboundMessageGrain>(pending.MessageId).Cancel();
            State.PendingDelivery = null;
        }

        if (State.PaymentLink is { Closed: false } link)
        {
            await CloseLinkAtProvider(link);
        }

        Transition(OrderTrigger.Cancel, agentId, null);
        await order.WriteStateAsync();
        return Snapshot();
    }

    public async Task<EventOutcome> ApplyCheckoutEvent(CheckoutSessionEvent checkoutEvent)
    {
        if (!State.Created)
        {
            return EventOutcome.NotFound;
        }

        if (State.ProcessedEvents.Any(e => e.Id == checkoutEvent.EventId))
        {
            logger.LogDebug("Event {EventId} for order {OrderId} already applied", checkoutEvent.EventId, OrderId);
            await FlushNotifications();
            await IndexPaymentIntent();
            return EventOutcome.Duplicate;
        }

        var outcome = Decide(checkoutEvent);

        RememberEvent(checkoutEvent.EventId);
        await order.WriteStateAsync();
        await FlushNotifications();
        await IndexPaymentIntent();
        return outcome;
    }

    public async Task ExpireLinkAfterDeadline(string checkoutSessionId)
    {
        if (!State.Created || State.PaymentLink?.CheckoutSessionId != checkoutSessionId || State.PaymentLink.Closed)
        {
            return;
        }

        logger.LogInformation(
            "Payment link {CheckoutSessionId} of order {OrderId} passed its deadline with no provider event",
            checkoutSessionId, OrderId);
        ApplyExpiry(checkoutSessionId, Actors.System, $"system:{checkoutSessionId}:expired");
        await order.WriteStateAsync();
        await FlushNotifications();
    }

    private async Task<PaymentLinkInfo> EnsureOpenLink()
    {
        var now = clock.GetUtcNow();
        if (State.PaymentLink is { Closed: false } current)
        {
            if (current.ExpiresAt - now >= options.Value.MinRemainingToReuse)
            {
                return current;
            }

            await CloseLinkAtProvider(current);
        }

        State.LinkAttempts++;
        await order.WriteStateAsync();

        var request = new CheckoutSessionRequest(
            OrderId, State.Conversation!, State.BookingReference, State.Items, State.Total.Currency, State.Language,
            now + options.Value.Lifetime, IdempotencyKey: $"{OrderId}:link:{State.LinkAttempts}");
        CheckoutSession session;
        using (var timeout = new CancellationTokenSource(options.Value.OutboundCallTimeout))
        {
            session = await checkoutProvider.CreateSession(request, timeout.Token);
        }

        await GrainFactory.GetGrain<IPaymentLinkGrain>(session.Id).Register(new PaymentLinkRegistration(OrderId, session.ExpiresAt));
        State.PaymentLink = new PaymentLinkInfo(session.Id, session.Url, session.ExpiresAt, now, Delivered: false, Closed: false);
        await order.WriteStateAsync();

        logger.LogInformation(
            "Checkout Session {CheckoutSessionId} created for order {OrderId}, expires {ExpiresAt}",
            session.Id, OrderId, session.ExpiresAt);
        return State.PaymentLink;
    }

    private async Task CloseLinkAtProvider(PaymentLinkInfo link)
    {
        using (var timeout = new CancellationTokenSource(options.Value.OutboundCallTimeout))
        {
            await checkoutProvider.ExpireSession(link.CheckoutSessionId, timeout.Token);
        }

        await GrainFactory.GetGrain<IPaymentLinkGrain>(link.CheckoutSessionId).Close();
        State.PaymentLink = link with { Closed = true };
        logger.LogInformation("Checkout Session {CheckoutSessionId} of order {OrderId} expired at the provider", link.CheckoutSessionId, OrderId);
    }

    private void EnsureCreated()
    {
        if (!State.Created)
        {
            throw new OrderNotFoundException(OrderId);
        }
    }

    private void Transition(OrderTrigger trigger, string actor, string? detail)
    {
        var from = State.Status;
        var to = OrderStateMachine.Next(OrderId, from, trigger);
        State.Status = to;
        State.History.Add(new OrderHistoryEntry(clock.GetUtcNow(), from, to, trigger, actor, detail));
        ProductMetrics.RecordOrderTransition(from, to);

        logger.LogInformation(
            "Order {OrderId} moved from {FromStatus} to {ToStatus} on {Trigger} by {Actor}",
            OrderId, from, to, trigger, actor);
    }

    private void RememberEvent(string eventId)
    {
        var now = clock.GetUtcNow();
        State.ProcessedEvents.RemoveAll(e => e.At < now - OrderState.EventRetention);
        State.ProcessedEvents.Add(new ProcessedEvent(eventId, now));
        if (State.ProcessedEvents.Count > OrderState.MaxRememberedEvents)
        {
            logger.LogWarning(
                "Order {OrderId} received more than {Max} provider events within {Retention}; the oldest ids are forgotten",
                OrderId, OrderState.MaxRememberedEvents, OrderState.EventRetention);
            State.ProcessedEvents.RemoveRange(0, State.ProcessedEvents.Count - OrderState.MaxRememberedEvents);
        }
    }

    private void Notify(NotificationType type, string cause, Money.Money? amount, string? detail)
    {
        State.PendingNotifications.Add(new AgentNotification(
            $"{OrderId}:{type}:{cause}", type, OrderId, clock.GetUtcNow(), amount, detail));
    }

    private async Task FlushNotifications()
    {
        if (State.PendingNotifications.Count == 0)
        {
            return;
        }

        var agent = GrainFactory.GetGrain<IAgentGrain>(State.LinkRequestedBy ?? State.CreatedBy);
        foreach (var notification in State.PendingNotifications.ToList())
        {
            await agent.Notify(notification);
            State.PendingNotifications.Remove(notification);
        }

        await order.WriteStateAsync();
    }

    private OrderSnapshot Snapshot() => new(
        OrderId, State.Conversation!, State.BookingReference, State.Language, State.Status, State.Total,
        [.. State.Items], [.. State.History], State.PaymentLink, State.LastDeliveryFailure, State.Payment,
        [.. State.Alerts], State.CreatedBy, State.CreatedAt, State.PendingDelivery,
        State.RefundedAmount, [.. State.Refunds], [.. State.Disputes]);
}
