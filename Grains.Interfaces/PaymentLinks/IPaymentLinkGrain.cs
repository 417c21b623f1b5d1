namespace KlmSocialPay.Grains.PaymentLinks;

/// <summary>A link to one payment page that an order sent.</summary>
[GenerateSerializer, Immutable]
public sealed record PaymentLinkRegistration(
    [property: Id(0)] string OrderId,
    [property: Id(1)] DateTimeOffset ExpiresAt);

/// <summary>
/// One Checkout Session, keyed by its id (<c>cs_…</c>). It routes the provider's events to the order that
/// created it, and a reminder expires the order's link when the provider stays silent past the deadline.
/// </summary>
public interface IPaymentLinkGrain : IGrainWithStringKey
{
    /// <summary>Records which order the session belongs to and arms the expiry reminder. Idempotent.</summary>
    Task Register(PaymentLinkRegistration registration);

    /// <summary>Returns the order id, or null when the session is unknown here.</summary>
    Task<string?> GetOrderId();

    /// <summary>Forwards an event to the order; <see cref="EventOutcome.NotFound"/> when the session is unknown.</summary>
    Task<EventOutcome> ApplyCheckoutEvent(CheckoutSessionEvent checkoutEvent);

    /// <summary>
    /// Marks the session finished (paid, expired or replaced), which disarms the expiry reminder. One-way,
    /// because the order calls it while this grain may be waiting on the order; if the call is lost, the
    /// expiry reminder finds the order's link closed and closes the session then.
    /// </summary>
    [OneWay]
    Task Close();
}
