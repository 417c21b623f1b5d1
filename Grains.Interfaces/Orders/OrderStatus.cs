namespace KlmSocialPay.Grains.Orders;

/// <summary>Where an order is in its life. The API writes these in kebab case (<c>link-sent</c>).</summary>
public enum OrderStatus
{
    Requested,
    LinkSent,
    Paid,
    Expired,
    Cancelled,
    Failed,
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
}

/// <summary>Who caused a change: an agent (by id), the payment provider, or the product itself.</summary>
public static class Actors
{
    public const string Stripe = "stripe";
    public const string System = "system";
}
