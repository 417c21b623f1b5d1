namespace KlmSocialPay.Api.Channels.X;

/// <summary>X (Twitter) settings, bound from the configuration section <c>X</c>.</summary>
public sealed class XOptions
{
    public const string SectionName = "X";

    /// <summary>Base URL of the X API v2, which is the sandbox's <c>/sandbox/x</c> in Development.</summary>
    public string ApiBase { get; set; } = "https://api.x.com";

    /// <summary>
    /// The app's consumer secret (API key secret). It keys the CRC response token and the
    /// <c>x-twitter-webhooks-signature</c> of every webhook POST.
    /// </summary>
    public string ConsumerSecret { get; set; } = "";

    /// <summary>OAuth 2.0 user-context access token of the airline's account, with the <c>dm.write</c> scope.</summary>
    public string UserAccessToken { get; set; } = "";

    /// <summary>
    /// The airline's X user id, which Account Activity webhooks carry as <c>for_user_id</c>. When set, bodies
    /// for any other subscribed account are acknowledged and skipped. Empty accepts every account.
    /// </summary>
    public string AccountId { get; set; } = "";
}
