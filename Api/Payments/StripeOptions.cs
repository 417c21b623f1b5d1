namespace KlmSocialPay.Api.Payments;

/// <summary>Stripe settings, bound from the configuration section <c>Stripe</c>.</summary>
public sealed class StripeOptions
{
    public const string SectionName = "Stripe";

    /// <summary>Base URL of the Stripe API; the sandbox's <c>/sandbox/stripe</c> in Development.</summary>
    public string ApiBase { get; set; } = "https://api.stripe.com";

    /// <summary>Secret API key (<c>sk_live_…</c>, <c>sk_test_…</c> or a restricted <c>rk_…</c> key).</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>Signing secret of the webhook endpoint (<c>whsec_…</c>).</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Payment methods offered on the hosted page, as Stripe names them.</summary>
    public List<string> PaymentMethodTypes { get; set; } = [];

    /// <summary>Where the hosted page sends the customer after paying; <c>{CHECKOUT_SESSION_ID}</c> is filled in by Stripe.</summary>
    public string SuccessUrl { get; set; } = "";

    /// <summary>Where the hosted page sends the customer who goes back without paying.</summary>
    public string CancelUrl { get; set; } = "";

    /// <summary>Maximum age of a signed webhook, in seconds (Stripe.net's default is 300).</summary>
    public long WebhookToleranceSeconds { get; set; } = 300;
}
