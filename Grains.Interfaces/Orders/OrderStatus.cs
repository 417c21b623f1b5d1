namespace KlmSocialPay.Grains.Orders;

/// <summary>Where an order is in its life. The API writes these in kebab case (<c>link-sent</c>).</summary>
public enum OrderStatus
{
    Requested,
    LinkSent,

    /// <summary>The customer completed the page with a delayed method (SEPA Direct Debit); the money has not settled yet.</summary>
    Processing,

    Paid,
    Expired,
    Cancelled,
    Failed,
    PartiallyRefunded,
    Refunded,
}

/// <summary>The business events that move an order from one <see cref="OrderStatus"/> to another.</summary>
public enum OrderTrigger
{
    Create,
    SendLink,
    PaymentSucceeded,
    PaymentFailed,
    LinkExpired,
    Cancel,
    PaymentProcessing,

    /// <summary>A refund succeeded and money is still left on the payment.</summary>
    PartialRefund,

    /// <summary>A refund succeeded and nothing is left on the payment.</summary>
    FullRefund,
}

/// <summary>Who caused a change: an agent (by id), the payment provider, or the product itself.</summary>
public static class Actors
{
    public const string Stripe = "stripe";
    public const string System = "system";
}
