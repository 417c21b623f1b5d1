namespace KlmSocialPay.Sandbox;

/// <summary>
/// Settings of the sandbox, bound from the configuration section <c>Sandbox</c>. Every default matches a host
/// that listens on http://127.0.0.1:5080 and receives its own webhooks.
/// </summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Sandbox";

    /// <summary>Whether the host maps the sandbox. The host reads it, and the sandbox itself does not.</summary>
    public bool Enabled { get; set; }

    /// <summary>Base URL that browsers use to reach the sandbox pages, such as the hosted checkout page.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// Start value of the offset added to the system clock for everything the sandbox decides by time:
    /// session creation and expiry, delayed payment settlement and the Messenger messaging window.
    /// Change it at run time with <c>POST /sandbox/clock</c>. Webhook signatures always use the real clock.
    /// </summary>
    public TimeSpan ClockOffset { get; set; }

    public StripeSandboxOptions Stripe { get; set; } = new();

    public MetaSandboxOptions Meta { get; set; } = new();

    public XSandboxOptions X { get; set; } = new();

    public WhatsAppSandboxOptions WhatsApp { get; set; } = new();
}

/// <summary>Settings of the Stripe stand-in (<c>Sandbox:Stripe</c>).</summary>
public sealed class StripeSandboxOptions
{
    /// <summary>Retry schedule used when <see cref="WebhookRetryDelays"/> is not configured.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultWebhookRetryDelays =
    [
        TimeSpan.FromSeconds(1),
        TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(30),
        TimeSpan.FromMinutes(2),
        TimeSpan.FromMinutes(10),
    ];

    /// <summary>The only API key the stand-in accepts, sent as <c>Authorization: Bearer</c>.</summary>
    public string SecretKey { get; set; } = "sk_test_sandbox";

    /// <summary>Endpoint secret that signs every webhook delivery (<c>Stripe-Signature</c>).</summary>
    public string WebhookSecret { get; set; } = "whsec_sandbox";

    /// <summary>Where events are delivered. Empty turns delivery off, and the API still lists the events.</summary>
    public string? WebhookUrl { get; set; } = "http://127.0.0.1:5080/webhooks/stripe";

    /// <summary>
    /// Wait before each retry of a failed delivery. A delivery makes one attempt plus one per entry, then is
    /// given up. Null means <see cref="DefaultWebhookRetryDelays"/>, and an empty list means a single attempt.
    /// </summary>
    // An array, not a list with defaults, because the configuration binder appends to an existing list.
    public TimeSpan[]? WebhookRetryDelays { get; set; }

    /// <summary>Time the receiver has to respond to one delivery attempt before it counts as failed.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the background worker looks for sessions past <c>expires_at</c>.</summary>
    public TimeSpan ExpiryCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Time after which a SEPA Direct Debit payment settles by itself and emits
    /// <c>checkout.session.async_payment_succeeded</c>. Null waits for the Settle button on the checkout page.
    /// </summary>
    public TimeSpan? DelayedPaymentSettleAfter { get; set; }

    public IReadOnlyList<TimeSpan> EffectiveWebhookRetryDelays => WebhookRetryDelays ?? DefaultWebhookRetryDelays;
}

/// <summary>Settings of the Messenger stand-in (<c>Sandbox:Meta</c>).</summary>
public sealed class MetaSandboxOptions
{
    /// <summary>App secret that signs webhook bodies (<c>X-Hub-Signature-256</c> and <c>X-Hub-Signature</c>).</summary>
    public string AppSecret { get; set; } = "sandbox-meta-app-secret";

    /// <summary>The only Page access token the Send API stand-in accepts.</summary>
    public string PageAccessToken { get; set; } = "sandbox-page-access-token";

    /// <summary>ID of the one Page the sandbox simulates.</summary>
    public string PageId { get; set; } = "100000000000001";

    /// <summary>Where customer messages are delivered as Messenger webhook events.</summary>
    public string WebhookUrl { get; set; } = "http://127.0.0.1:5080/webhooks/messenger";

    /// <summary>Time the product has to respond to one webhook POST.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// When true, a send to a PSID that never wrote through the sandbox fails with code 100, subcode 2018001
    /// ("No matching user found"), as it would on Meta. When false, such a send is accepted without a window
    /// check, so tests can post webhooks to the product directly and still let it reply.
    /// </summary>
    public bool RequireKnownRecipient { get; set; }
}

/// <summary>Settings of the X direct-message stand-in (<c>Sandbox:X</c>).</summary>
public sealed class XSandboxOptions
{
    /// <summary>Consumer secret that keys the CRC response token and <c>x-twitter-webhooks-signature</c>.</summary>
    public string ConsumerSecret { get; set; } = "sandbox-x-consumer-secret";

    /// <summary>The only user access token the DM endpoint stand-in accepts.</summary>
    public string UserAccessToken { get; set; } = "sandbox-x-user-token";

    /// <summary>User id of the one account the sandbox simulates, sent as <c>for_user_id</c>.</summary>
    public string AccountId { get; set; } = "1500000000000000001";

    /// <summary>Where customer DMs are delivered as Account Activity events, and where the CRC check sends its GET.</summary>
    public string WebhookUrl { get; set; } = "http://127.0.0.1:5080/webhooks/x";

    /// <summary>
    /// Time the product has to respond to one webhook POST or CRC GET. X itself allows 3 seconds, and the
    /// CRC check reports whether the answer came within them.
    /// </summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// When true, a DM to a user who never wrote through the sandbox fails with 403, as X answers when the
    /// user does not accept DMs from the account. When false, such a DM is accepted.
    /// </summary>
    public bool RequireKnownRecipient { get; set; }
}

/// <summary>Settings of the WhatsApp Cloud API stand-in (<c>Sandbox:WhatsApp</c>).</summary>
public sealed class WhatsAppSandboxOptions
{
    /// <summary>App secret that signs webhook bodies (<c>X-Hub-Signature-256</c> and <c>X-Hub-Signature</c>).</summary>
    public string AppSecret { get; set; } = "sandbox-meta-app-secret";

    /// <summary>The only access token the send endpoint stand-in accepts.</summary>
    public string AccessToken { get; set; } = "sandbox-whatsapp-token";

    /// <summary>ID of the one business phone number the sandbox simulates; the send path must name it.</summary>
    public string PhoneNumberId { get; set; } = "100000000000777";

    /// <summary>The business phone number shown to customers, digits only, sent as <c>metadata.display_phone_number</c>.</summary>
    public string DisplayPhoneNumber { get; set; } = "15550000777";

    /// <summary>ID of the WhatsApp Business Account, sent as <c>entry[].id</c>.</summary>
    public string BusinessAccountId { get; set; } = "200000000000777";

    /// <summary>Where customer messages and status callbacks are delivered as Cloud API webhooks.</summary>
    public string WebhookUrl { get; set; } = "http://127.0.0.1:5080/webhooks/whatsapp";

    /// <summary>Time the product has to respond to one webhook POST.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait after an accepted send before its <c>sent</c> status is posted, and again before <c>delivered</c>.</summary>
    public TimeSpan StatusDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a send with an injected <c>timeout</c> failure is held before the sandbox drops the connection
    /// without a response, unless the client gives up first.
    /// </summary>
    public TimeSpan NoAnswerHold { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When true, a send to a wa_id that never wrote through the sandbox fails with 131047, as it would on
    /// WhatsApp, where no customer service window is open. When false, such a send is accepted without a
    /// window check, so tests can post webhooks to the product directly and still let it reply.
    /// </summary>
    public bool RequireKnownRecipient { get; set; }
}
