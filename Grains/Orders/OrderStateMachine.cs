using System.Collections.Frozen;

namespace KlmSocialPay.Grains.Orders;

/// <summary>
/// Every legal order transition, one row each: (status, trigger) → next status. A pair that is not in
/// the table is illegal.
/// </summary>
public static class OrderStateMachine
{
    private static readonly (OrderStatus From, OrderTrigger Trigger, OrderStatus To)[] Rows =
    [
        (OrderStatus.Requested, OrderTrigger.SendLink, OrderStatus.LinkSent),
        (OrderStatus.Requested, OrderTrigger.Cancel, OrderStatus.Cancelled),

        // A payment that settles is always recorded, even when the link delivery was reported failed
        // (the platform may have shown the message anyway) or the product gave up on the link.
        (OrderStatus.Requested, OrderTrigger.PaymentSucceeded, OrderStatus.Paid),

        (OrderStatus.LinkSent, OrderTrigger.PaymentSucceeded, OrderStatus.Paid),
        (OrderStatus.LinkSent, OrderTrigger.PaymentProcessing, OrderStatus.Processing),
        (OrderStatus.LinkSent, OrderTrigger.PaymentFailed, OrderStatus.Failed),
        (OrderStatus.LinkSent, OrderTrigger.LinkExpired, OrderStatus.Expired),
        (OrderStatus.LinkSent, OrderTrigger.Cancel, OrderStatus.Cancelled),

        // A delayed payment method (SEPA Direct Debit) settles or fails days later.
        (OrderStatus.Processing, OrderTrigger.PaymentSucceeded, OrderStatus.Paid),
        (OrderStatus.Processing, OrderTrigger.PaymentFailed, OrderStatus.Failed),

        // Refunds move forward only; the provider's refund events drive them.
        (OrderStatus.Paid, OrderTrigger.PartialRefund, OrderStatus.PartiallyRefunded),
        (OrderStatus.Paid, OrderTrigger.FullRefund, OrderStatus.Refunded),
        (OrderStatus.PartiallyRefunded, OrderTrigger.PartialRefund, OrderStatus.PartiallyRefunded),
        (OrderStatus.PartiallyRefunded, OrderTrigger.FullRefund, OrderStatus.Refunded),

        // A new link for an order whose link expired or whose payment failed.
        (OrderStatus.Expired, OrderTrigger.SendLink, OrderStatus.LinkSent),
        (OrderStatus.Failed, OrderTrigger.SendLink, OrderStatus.LinkSent),
        (OrderStatus.Expired, OrderTrigger.Cancel, OrderStatus.Cancelled),
        (OrderStatus.Failed, OrderTrigger.Cancel, OrderStatus.Cancelled),

        // The customer's money is real: a payment that completes after the link expired, failed or was
        // cancelled is still recorded, and the order is flagged for the agent.
        (OrderStatus.Expired, OrderTrigger.PaymentSucceeded, OrderStatus.Paid),
        (OrderStatus.Failed, OrderTrigger.PaymentSucceeded, OrderStatus.Paid),
        (OrderStatus.Cancelled, OrderTrigger.PaymentSucceeded, OrderStatus.Paid),
    ];

    private static readonly FrozenDictionary<(OrderStatus, OrderTrigger), OrderStatus> Table =
        Rows.ToFrozenDictionary(row => (row.From, row.Trigger), row => row.To);

    /// <summary>All legal transitions, in table order.</summary>
    public static IReadOnlyList<(OrderStatus From, OrderTrigger Trigger, OrderStatus To)> Transitions => Rows;

    public static bool TryNext(OrderStatus from, OrderTrigger trigger, out OrderStatus to) =>
        Table.TryGetValue((from, trigger), out to);

    /// <exception cref="IllegalOrderTransitionException">The table has no row for the pair.</exception>
    public static OrderStatus Next(string orderId, OrderStatus from, OrderTrigger trigger) =>
        TryNext(from, trigger, out var to) ? to : throw new IllegalOrderTransitionException(orderId, from, trigger);
}
