namespace KlmSocialPay.Grains.PaymentLinks;

/// <summary>How payment links behave. Bound from the configuration section <c>PaymentLinks</c>.</summary>
public sealed class PaymentLinkOptions
{
    public const string SectionName = "PaymentLinks";

    /// <summary>Stripe accepts an <c>expires_at</c> from 30 minutes to 24 hours after the session is created.</summary>
    public static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    /// <summary>How long a new link can be paid.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// How long after a link's deadline the product waits for the provider's own expiry event before it
    /// expires the order itself.
    /// </summary>
    public TimeSpan ExpiryGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An open link with less time left than this is replaced by a new one instead of being resent.</summary>
    public TimeSpan MinRemainingToReuse { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Time allowed for one call to the payment provider or a messaging platform.</summary>
    public TimeSpan OutboundCallTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
