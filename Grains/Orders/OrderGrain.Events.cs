namespace KlmSocialPay.Grains.Orders;

/// <summary>How provider events about Checkout Sessions change an order.</summary>
public sealed partial class OrderGrain
{
    private EventOutcome Decide(CheckoutSessionEvent checkoutEvent) => checkoutEvent.Kind switch
    {
        CheckoutEventKind.Completed when !checkoutEvent.IsPaid => RecordDelayedPayment(checkoutEvent),
        CheckoutEventKind.Completed or CheckoutEventKind.AsyncPaymentSucceeded => ApplyPayment(checkoutEvent),
        CheckoutEventKind.AsyncPaymentFailed => ApplyPaymentFailure(checkoutEvent),
        CheckoutEventKind.Expired => ApplyExpiry(checkoutEvent.CheckoutSessionId, Actors.Stripe, checkoutEvent.EventId),
        _ => EventOutcome.Ignored,
    };

    /// <summary>
    /// The customer finished the page with a delayed method (SEPA Direct Debit): the order waits in
    /// <see cref="OrderStatus.Processing"/> for async_payment_succeeded or async_payment_failed.
    /// </summary>
    private EventOutcome RecordDelayedPayment(CheckoutSessionEvent checkoutEvent)
    {
        if (State.PaymentLink?.CheckoutSessionId != checkoutEvent.CheckoutSessionId
            || !OrderStateMachine.TryNext(State.Status, OrderTrigger.PaymentProcessing, out _))
        {
            LogIgnored(checkoutEvent.EventId, checkoutEvent.CheckoutSessionId, OrderTrigger.PaymentProcessing);
            return EventOutcome.Ignored;
        }

        Transition(OrderTrigger.PaymentProcessing, Actors.Stripe, checkoutEvent.CheckoutSessionId);
        return EventOutcome.Applied;
    }

    private EventOutcome ApplyPayment(CheckoutSessionEvent checkoutEvent)
    {
        if (State.Payment is { } existing)
        {
            if (existing.CheckoutSessionId == checkoutEvent.CheckoutSessionId)
            {
                logger.LogInformation(
                    "Order {OrderId} already paid via {CheckoutSessionId}; event {EventId} ({EventKind}) changes nothing",
                    OrderId, checkoutEvent.CheckoutSessionId, checkoutEvent.EventId, checkoutEvent.Kind);
                return EventOutcome.Ignored;
            }

            var detail = $"Second payment via {checkoutEvent.CheckoutSessionId} ({checkoutEvent.AmountTotal} {checkoutEvent.Currency}); the order was paid via {existing.CheckoutSessionId}. Refund one of them.";
            RaiseAlert("duplicate-payment", detail);
            Notify(NotificationType.PaymentMismatch, checkoutEvent.EventId, null, detail);
            logger.LogWarning(
                "Order {OrderId} paid a second time via {CheckoutSessionId}; first payment {FirstCheckoutSessionId}",
                OrderId, checkoutEvent.CheckoutSessionId, existing.CheckoutSessionId);
            return EventOutcome.Rejected;
        }

        var paidCurrency = checkoutEvent.Currency?.ToUpperInvariant();
        if (paidCurrency != State.Total.Currency || checkoutEvent.AmountTotal != State.Total.MinorUnits)
        {
            var detail = $"Paid {checkoutEvent.AmountTotal} {paidCurrency} via {checkoutEvent.CheckoutSessionId}; the order total is {State.Total.MinorUnits} {State.Total.Currency}.";
            RaiseAlert("amount-mismatch", detail);
            Notify(NotificationType.PaymentMismatch, checkoutEvent.EventId, null, detail);
            logger.LogWarning(
                "Order {OrderId} not paid: session {CheckoutSessionId} paid {PaidAmount} {PaidCurrency}, order total {Amount} {Currency}",
                OrderId, checkoutEvent.CheckoutSessionId, checkoutEvent.AmountTotal, paidCurrency, State.Total.MinorUnits, State.Total.Currency);
            return EventOutcome.Rejected;
        }

        var from = State.Status;
        State.Payment = new PaymentRecord(
            checkoutEvent.CheckoutSessionId, checkoutEvent.PaymentIntentId, State.Total, checkoutEvent.OccurredAt, checkoutEvent.EventId);
        Transition(OrderTrigger.PaymentSucceeded, Actors.Stripe, checkoutEvent.CheckoutSessionId);
        ProductMetrics.RecordPaymentReceived(State.Total);
        if (from is OrderStatus.Expired or OrderStatus.Cancelled or OrderStatus.Failed)
        {
            RaiseAlert($"paid-after-{from.ToString().ToLowerInvariant()}",
                $"Paid via {checkoutEvent.CheckoutSessionId} after the order was {from.ToString().ToLowerInvariant()}.");
        }

        if (State.PaymentLink?.CheckoutSessionId == checkoutEvent.CheckoutSessionId)
        {
            ProductMetrics.RecordLinkToPaid(checkoutEvent.OccurredAt - State.PaymentLink.CreatedAt);
            State.PaymentLink = State.PaymentLink with { Closed = true };
        }

        Notify(NotificationType.PaymentReceived, checkoutEvent.EventId, State.Total, null);
        logger.LogInformation(
            "Order {OrderId} paid via {CheckoutSessionId}: {Amount} {Currency}",
            OrderId, checkoutEvent.CheckoutSessionId, State.Total.MinorUnits, State.Total.Currency);
        return EventOutcome.Applied;
    }

    private EventOutcome ApplyPaymentFailure(CheckoutSessionEvent checkoutEvent)
    {
        if (State.PaymentLink?.CheckoutSessionId != checkoutEvent.CheckoutSessionId
            || !OrderStateMachine.TryNext(State.Status, OrderTrigger.PaymentFailed, out _))
        {
            LogIgnored(checkoutEvent.EventId, checkoutEvent.CheckoutSessionId, OrderTrigger.PaymentFailed);
            return EventOutcome.Ignored;
        }

        State.PaymentLink = State.PaymentLink with { Closed = true };
        Transition(OrderTrigger.PaymentFailed, Actors.Stripe, checkoutEvent.CheckoutSessionId);
        Notify(NotificationType.PaymentFailed, checkoutEvent.EventId, State.Total, null);
        return EventOutcome.Applied;
    }

    private EventOutcome ApplyExpiry(string checkoutSessionId, string actor, string cause)
    {
        if (State.PaymentLink?.CheckoutSessionId != checkoutSessionId)
        {
            // An older session of this order; the order's state follows its current link only.
            LogIgnored(cause, checkoutSessionId, OrderTrigger.LinkExpired);
            return EventOutcome.Ignored;
        }

        State.PaymentLink = State.PaymentLink with { Closed = true };
        if (!OrderStateMachine.TryNext(State.Status, OrderTrigger.LinkExpired, out _))
        {
            LogIgnored(cause, checkoutSessionId, OrderTrigger.LinkExpired);
            return EventOutcome.Ignored;
        }

        Transition(OrderTrigger.LinkExpired, actor, checkoutSessionId);
        Notify(NotificationType.LinkExpired, cause, State.Total, null);
        return EventOutcome.Applied;
    }

    private void RaiseAlert(string code, string detail) =>
        State.Alerts.Add(new OrderAlert(clock.GetUtcNow(), code, detail));

    private void LogIgnored(string cause, string checkoutSessionId, OrderTrigger trigger) =>
        logger.LogInformation(
            "Order {OrderId} ignores {Cause} for session {CheckoutSessionId}: {Trigger} does not apply in status {Status}",
            OrderId, cause, checkoutSessionId, trigger, State.Status);
}
