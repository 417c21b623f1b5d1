using KlmSocialPay.Grains.PaymentLinks;
using KlmSocialPay.Grains.Ports;

namespace KlmSocialPay.Grains.Orders;

/// <summary>
/// One order, keyed by its id (<c>ord_…</c>). It owns the order's state machine, history and payment.
/// </summary>
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>Starts the order. Raises <see cref="InvalidOperationException"/> when it already exists.</summary>
    Task<OrderSnapshot> Create(OrderDraft draft);

    /// <summary>Returns the order, or null when no order has this id.</summary>
    Task<OrderSnapshot?> GetSnapshot();

    /// <summary>
    /// Creates a Checkout Session (or reuses the open one whose delivery failed), sends its link to the
    /// customer through the outbox and moves the order to <see cref="OrderStatus.LinkSent"/> once the
    /// platform accepts it. When the first attempt fails for now, the order stays
    /// <see cref="OrderStatus.Requested"/> with <see cref="OrderSnapshot.PendingDelivery"/> set, and the
    /// outbox retries.
    /// </summary>
    /// <exception cref="IllegalOrderTransitionException">The order's status does not allow a new link.</exception>
    /// <exception cref="PaymentLinkDeliveryException">The channel did not accept the message.</exception>
    /// <exception cref="PaymentProviderException">The payment provider did not create the session.</exception>
    Task<OrderSnapshot> RequestPaymentLink(string agentId);

    /// <summary>Cancels the order and expires its open Checkout Session at the provider.</summary>
    Task<OrderSnapshot> Cancel(string agentId);

    /// <summary>Applies a provider event about one of this order's Checkout Sessions, at most once per event id.</summary>
    Task<EventOutcome> ApplyCheckoutEvent(CheckoutSessionEvent checkoutEvent);

    /// <summary>Expires the link when the session's expiry passed with no word from the provider.</summary>
    Task ExpireLinkAfterDeadline(string checkoutSessionId);

    /// <summary>
    /// Asks the provider to refund <paramref name="amount"/> minor units. The order records the refund as
    /// pending; its status moves only when the provider's refund events arrive.
    /// </summary>
    /// <exception cref="RefundNotAllowedException">The order is not paid, or the amount is more than what is left.</exception>
    Task<OrderSnapshot> RequestRefund(string agentId, long amount);

    /// <summary>Applies a refund or dispute event, at most once per event id.</summary>
    Task<EventOutcome> ApplyPaymentEvent(Payments.PaymentEvent paymentEvent);

    /// <summary>Called by the outbox when a retried link message was accepted by the platform.</summary>
    Task OnLinkDelivered(string messageId, SentMessage sent);

    /// <summary>Called by the outbox when a link message failed for good; the agent is notified.</summary>
    Task OnLinkDeliveryFailed(string messageId, Outbox.SendFailure failure);
}
