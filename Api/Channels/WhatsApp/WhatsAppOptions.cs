namespace KlmSocialPay.Api.Channels.WhatsApp;

/// <summary>WhatsApp Cloud API settings, bound from the configuration section <c>WhatsApp</c>.</summary>
public sealed class WhatsAppOptions
{
    public const string SectionName = "WhatsApp";

    /// <summary>Base URL of the Graph API; the sandbox's <c>/sandbox/whatsapp</c> in Development.</summary>
    public string GraphApiBase { get; set; } = "https://graph.facebook.com";

    /// <summary>Graph API version in the send path.</summary>
    public string GraphApiVersion { get; set; } = "v25.0";

    /// <summary>ID of the business phone number that sends messages (not the phone number itself).</summary>
    public string PhoneNumberId { get; set; } = "";

    /// <summary>The system-user or business access token used to send messages.</summary>
    public string AccessToken { get; set; } = "";

    /// <summary>The app secret that signs webhooks (<c>X-Hub-Signature-256</c>).</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>The token Meta echoes when it verifies the webhook subscription.</summary>
    public string VerifyToken { get; set; } = "";
}
