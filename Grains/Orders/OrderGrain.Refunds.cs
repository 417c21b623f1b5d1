using KlmSocialPay.Grains.Payments;

namespace KlmSocialPay.Grains.Orders;

/// <summary>Refunds and disputes of a paid order. The provider's events are the source of truth for both.</summary>
public sealed partial class OrderGrain
{
    public async Task<OrderSnapshot> RequestRefund(string agentId, long amount)
    {
        EnsureCreated();
        if (State.Payment is not { PaymentIntentId: { } paymentIntentId } payment
            || State.Status is not (OrderStatus.Paid or OrderStatus.PartiallyRefunded))
        {
            throw new RefundNotAllowedException(OrderId, $"Order {OrderId} is {Kebab(State.Status)}; only a paid order can be refunded.");
        }

        var pending = State.Refunds.Where(r => r.Status == "pending").Sum(r => r.Amount);
        var left = payment.Amount.MinorUnits - State.RefundedAmount - pending;
        if (amount <= 0 || amount > left)
        {
            throw new RefundNotAllowedException(OrderId,
                $"The refund must be from 1 to {left} minor units (paid {payment.Amount.MinorUnits}, refunded {State.RefundedAmount}, pending {pending}); got {amount}.");
        }

        State.RefundAttempts++;
        await order.WriteStateAsync();

        CreatedRefund refund;
        using (var timeout = new CancellationTokenSource(options.Value.OutboundCallTimeout))
        {
            refund = await checkoutProvider.CreateRefund(
                new RefundRequest(OrderId, paymentIntentId, amount, payment.Amount.Currency, $"{OrderId}:refund:{State.RefundAttempts}"),
                timeout.Token);
        }

        // The status stays pending here even when the provider returned "succeeded", because its refund events decide.
        if (State.Refunds.All(r => r.RefundId != refund.Id))
        {
            State.Refunds.Add(new RefundRecord(refund.Id, amount, "pending", agentId, clock.GetUtcNow(), null));
        }

        await order.WriteStateAsync();
        logger.LogInformation(
            "Refund {RefundId} of {Amount} {Currency} requested for order {OrderId} by {AgentId}",
            refund.Id, amount, payment.Amount.Currency, OrderId, agentId);
        return Snapshot();
    }

    public async Task<EventOutcome> ApplyPaymentEvent(PaymentEvent paymentEvent)
    {
        if (!State.Created)
        {
            return EventOutcome.NotFound;
        }

        if (State.ProcessedEvents.Any(e => e.Id == paymentEvent.EventId))
        {
            await FlushNotifications();
            return EventOutcome.Duplicate;
        }

        var outcome = paymentEvent.Kind switch
        {
            PaymentEventKind.RefundCreated or PaymentEventKind.RefundUpdated or PaymentEventKind.RefundFailed => ApplyRefundStatus(paymentEvent),
            PaymentEventKind.ChargeRefunded => ApplyChargeRefunded(paymentEvent),
            PaymentEventKind.DisputeCreated or PaymentEventKind.DisputeClosed => ApplyDispute(paymentEvent),
            _ => EventOutcome.Ignored,
        };

        RememberEvent(paymentEvent.EventId);
        await order.WriteStateAsync();
        await FlushNotifications();
        return outcome;
    }

    private EventOutcome ApplyRefundStatus(PaymentEvent refundEvent)
    {
        var status = refundEvent.Kind == PaymentEventKind.RefundFailed ? "failed" : refundEvent.Status ?? "pending";
        var index = State.Refunds.FindIndex(r => r.RefundId == refundEvent.ObjectId);
        var previous = index >= 0 ? State.Refunds[index] : null;
        if (previous?.Status == status || (previous?.Status == "failed" && status != "failed"))
        {
            return EventOutcome.Ignored;
        }

        // A refund made outside the product (in the Stripe Dashboard) is recorded when its events arrive.
        var record = previous is null
            ? new RefundRecord(refundEvent.ObjectId, refundEvent.Amount ?? 0, status, null, refundEvent.OccurredAt, refundEvent.Reason)
            : previous with { Status = status, FailureReason = refundEvent.Reason ?? previous.FailureReason };
        if (index >= 0)
        {
            State.Refunds[index] = record;
        }
        else
        {
            State.Refunds.Add(record);
        }

        if (status == "failed")
        {
            var detail = $"Refund {record.RefundId} of {record.Amount} {State.Total.Currency} failed: {record.FailureReason ?? "no reason given"}.";
            RaiseAlert("refund-failed", detail);
            Notify(NotificationType.RefundFailed, refundEvent.EventId, new Money.Money(record.Amount, State.Total.Currency), detail);
            // NOTE: a refund that failed after it had succeeded lowers the refunded total but does not move the
            // order back to paid; the alert tells the agent.
            logger.LogWarning("Refund {RefundId} of order {OrderId} failed: {FailureReason}", record.RefundId, OrderId, record.FailureReason);
        }

        UpdateRefundedAmount(refundEvent.ObjectId);
        return EventOutcome.Applied;
    }

    /// <summary>
    /// Stripe sends charge.refunded when a refund is created, before it is known to succeed, so its
    /// <c>amount_refunded</c> does not move the order; the refund's own events do.
    /// </summary>
    private EventOutcome ApplyChargeRefunded(PaymentEvent chargeEvent)
    {
        logger.LogInformation(
            "Order {OrderId} charge {ChargeId} reports {AmountRefunded} refunded; waiting for the refunds' own events",
            OrderId, chargeEvent.ObjectId, chargeEvent.Amount);
        return EventOutcome.Ignored;
    }

    /// <summary>
    /// Sets the refunded total to the sum of the refunds that succeeded, and moves the order to
    /// partially-refunded or refunded when that total grew.
    /// </summary>
    private void UpdateRefundedAmount(string cause)
    {
        if (State.Payment is not { } payment)
        {
            return;
        }

        var succeeded = Math.Min(State.Refunds.Where(r => r.Status == "succeeded").Sum(r => r.Amount), payment.Amount.MinorUnits);
        var grew = succeeded > State.RefundedAmount;
        State.RefundedAmount = succeeded;
        if (!grew)
        {
            return;
        }

        var trigger = succeeded >= payment.Amount.MinorUnits ? OrderTrigger.FullRefund : OrderTrigger.PartialRefund;
        if (OrderStateMachine.TryNext(State.Status, trigger, out _))
        {
            Transition(trigger, Actors.Stripe, $"{cause}: refunded {succeeded} of {payment.Amount.MinorUnits}");
        }
    }

    private EventOutcome ApplyDispute(PaymentEvent disputeEvent)
    {
        var index = State.Disputes.FindIndex(d => d.DisputeId == disputeEvent.ObjectId);
        if (disputeEvent.Kind == PaymentEventKind.DisputeCreated)
        {
            if (index >= 0)
            {
                return EventOutcome.Ignored;
            }

            State.Disputes.Add(new DisputeRecord(disputeEvent.ObjectId, disputeEvent.Amount, disputeEvent.Status ?? "needs_response", disputeEvent.Reason, disputeEvent.OccurredAt, null));
            var detail = $"The customer disputed the payment ({disputeEvent.Reason ?? "no reason given"}); respond in the Stripe Dashboard.";
            RaiseAlert("dispute-opened", detail);
            Notify(NotificationType.DisputeOpened, disputeEvent.EventId, State.Total, detail);
            logger.LogWarning("Dispute {DisputeId} opened on order {OrderId}: {Reason}", disputeEvent.ObjectId, OrderId, disputeEvent.Reason);
            return EventOutcome.Applied;
        }

        var closed = index >= 0
            ? State.Disputes[index] with { Status = disputeEvent.Status ?? "closed", ClosedAt = disputeEvent.OccurredAt }
            : new DisputeRecord(disputeEvent.ObjectId, disputeEvent.Amount, disputeEvent.Status ?? "closed", disputeEvent.Reason, disputeEvent.OccurredAt, disputeEvent.OccurredAt);
        if (index >= 0)
        {
            State.Disputes[index] = closed;
        }
        else
        {
            State.Disputes.Add(closed);
        }

        Notify(NotificationType.DisputeClosed, disputeEvent.EventId, State.Total, $"Dispute {closed.DisputeId} closed: {closed.Status}.");
        logger.LogInformation("Dispute {DisputeId} on order {OrderId} closed as {DisputeStatus}", closed.DisputeId, OrderId, closed.Status);
        return EventOutcome.Applied;
    }

    /// <summary>Makes refund, charge and dispute events that name only the PaymentIntent find this order.</summary>
    private async Task IndexPaymentIntent()
    {
        if (State.Payment?.PaymentIntentId is { } paymentIntentId && !State.PaymentIntentIndexed)
        {
            await GrainFactory.GetGrain<IPaymentIntentGrain>(paymentIntentId).Register(OrderId);
            State.PaymentIntentIndexed = true;
            await order.WriteStateAsync();
        }
    }

    private static string Kebab(OrderStatus status) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());
}
