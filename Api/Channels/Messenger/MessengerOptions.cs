namespace KlmSocialPay.Api.Channels.Messenger;

/// <summary>Facebook Messenger settings, bound from the configuration section <c>Messenger</c>.</summary>
public sealed class MessengerOptions
{
    public const string SectionName = "Messenger";

    /// <summary>Base URL of the Graph API; the sandbox's <c>/sandbox/meta</c> in Development.</summary>
    public string GraphApiBase { get; set; } = "https://graph.facebook.com";

    /// <summary>Graph API version in the Send API path.</summary>
    public string GraphApiVersion { get; set; } = "v25.0";

    /// <summary>The app secret that signs webhooks (<c>X-Hub-Signature-256</c>).</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>The token Meta echoes when it verifies the webhook subscription.</summary>
    public string VerifyToken { get; set; } = "";

    /// <summary>The Page access token used to send messages.</summary>
    public string PageAccessToken { get; set; } = "";

    /// <summary>How long sending pauses after a rate-limit response (code 613) that names no time.</summary>
    public TimeSpan RateLimitPause { get; set; } = TimeSpan.FromSeconds(60);
}
