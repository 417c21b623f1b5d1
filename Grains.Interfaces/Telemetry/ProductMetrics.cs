using System.Diagnostics.Metrics;
using System.Text.Json;
using KlmSocialPay.Grains.Conversations;
using KlmSocialPay.Grains.Orders;

namespace KlmSocialPay.Grains.Telemetry;

/// <summary>The service that sent a webhook, recorded as the <c>source</c> tag.</summary>
public enum WebhookSource
{
    Stripe,
    Messenger,
    X,
    WhatsApp,
}

/// <summary>What the product did with a received webhook, recorded as the <c>outcome</c> tag.</summary>
public enum WebhookOutcome
{
    /// <summary>Verified and applied, or verified and acknowledged as an event the product does not handle.</summary>
    Accepted,

    /// <summary>Verified, but its event was applied before.</summary>
    Duplicate,

    /// <summary>Verified, but the domain did not accept it (for example a payment that does not match the order).</summary>
    Rejected,

    /// <summary>The signature header is missing or does not verify.</summary>
    InvalidSignature,

    /// <summary>The body is too large, not UTF-8, not JSON, or not the expected event shape.</summary>
    Malformed,

    /// <summary>Verified, but no order, payment link or conversation matches it.</summary>
    Unmatched,

    /// <summary>Processing failed with an unexpected error.</summary>
    Error,
}

/// <summary>What one attempt to deliver a payment link did, recorded as the <c>outcome</c> tag.</summary>
public enum LinkDeliveryOutcome
{
    /// <summary>The platform accepted the message.</summary>
    Sent,

    /// <summary>The platform rejected the message permanently.</summary>
    Failed,

    /// <summary>The attempt failed for now and will be, or may be, tried again.</summary>
    Retried,

    /// <summary>The platform asked the product to slow down.</summary>
    RateLimited,
}

/// <summary>
/// The product's own metrics, on the meter <see cref="MeterName"/>. The methods skip or clamp values that
/// an instrument cannot take instead of throwing, so a call placed after a persisted state change does not
/// fail the grain call or the webhook that made it. Tag values come from enums, so the number of time
/// series stays bounded.
/// </summary>
public static class ProductMetrics
{
    public const string MeterName = "KlmSocialPay";

    public const string WebhooksReceivedName = "klmsocialpay.webhooks.received";

    public const string OrderTransitionsName = "klmsocialpay.orders.transitions";

    public const string LinkDeliveryAttemptsName = "klmsocialpay.link_delivery.attempts";

    public const string PaymentsAmountName = "klmsocialpay.payments.amount";

    public const string LinkToPaidName = "klmsocialpay.payments.link_to_paid";

    /// <summary>Tag value of <c>from</c> for an order's first status.</summary>
    public const string NoStatus = "none";

    /// <summary>
    /// Bucket boundaries of <see cref="LinkToPaidName"/>, in seconds: from half a minute to 24 hours, the
    /// maximum lifetime of a Stripe Checkout Session.
    /// </summary>
    public static readonly IReadOnlyList<double> LinkToPaidBuckets =
        [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];

    /// <summary>Each status in kebab case (<c>link-sent</c>), as the API writes it.</summary>
    private static readonly Dictionary<OrderStatus, string> StatusNames = Enum.GetValues<OrderStatus>()
        .ToDictionary(status => status, status => JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString()));

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> WebhooksReceived = Meter.CreateCounter<long>(
        WebhooksReceivedName, "{webhook}", "Webhook requests received, by source and outcome.");

    private static readonly Counter<long> OrderTransitions = Meter.CreateCounter<long>(
        OrderTransitionsName, "{transition}", "Order status changes, by previous and new status.");

    private static readonly Counter<long> LinkDeliveryAttempts = Meter.CreateCounter<long>(
        LinkDeliveryAttemptsName, "{attempt}", "Attempts to deliver a payment link to a customer, by channel and outcome.");

    private static readonly Counter<long> PaymentsAmount = Meter.CreateCounter<long>(
        PaymentsAmountName, "{minor_unit}", "Amount paid, in minor units of the currency tag (cents for EUR).");

    private static readonly Histogram<double> LinkToPaid = Meter.CreateHistogram(
        LinkToPaidName,
        "s",
        "Time from creating a payment link to the payment, in seconds.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LinkToPaidBuckets });

    /// <summary>Counts one webhook request once its outcome is known.</summary>
    public static void RecordWebhookReceived(WebhookSource source, WebhookOutcome outcome) =>
        WebhooksReceived.Add(1, Tag("source", Name(source)), Tag("outcome", Name(outcome)));

    /// <summary>
    /// Counts one order status change. <paramref name="from"/> is null for the order's first status.
    /// Call it where the grain changes the status, so a duplicate event, which changes nothing, is not counted.
    /// </summary>
    public static void RecordOrderTransition(OrderStatus? from, OrderStatus to) =>
        OrderTransitions.Add(1, Tag("from", from is { } status ? Name(status) : NoStatus), Tag("to", Name(to)));

    /// <summary>Counts one attempt to deliver a payment link on <paramref name="channel"/>.</summary>
    public static void RecordLinkDeliveryAttempt(Channel channel, LinkDeliveryOutcome outcome) =>
        LinkDeliveryAttempts.Add(1, Tag("channel", Name(channel)), Tag("outcome", Name(outcome)));

    /// <summary>
    /// Adds a received payment in minor units, tagged with its currency. A negative amount is not recorded,
    /// because a counter only grows; refunds are not payments.
    /// </summary>
    public static void RecordPaymentReceived(Money.Money amount)
    {
        if (amount.MinorUnits < 0 || string.IsNullOrEmpty(amount.Currency))
        {
            return;
        }

        PaymentsAmount.Add(amount.MinorUnits, Tag("currency", amount.Currency));
    }

    /// <summary>
    /// Records the time from creating a payment link to its payment. A negative time (the provider's clock
    /// behind this host's) is recorded as zero.
    /// </summary>
    public static void RecordLinkToPaid(TimeSpan elapsed) =>
        LinkToPaid.Record(Math.Max(0, elapsed.TotalSeconds));

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

    private static string Name(WebhookSource source) => source switch
    {
        WebhookSource.Stripe => "stripe",
        WebhookSource.Messenger => "messenger",
        WebhookSource.X => "x",
        WebhookSource.WhatsApp => "whatsapp",
        _ => "unknown",
    };

    private static string Name(WebhookOutcome outcome) => outcome switch
    {
        WebhookOutcome.Accepted => "accepted",
        WebhookOutcome.Duplicate => "duplicate",
        WebhookOutcome.Rejected => "rejected",
        WebhookOutcome.InvalidSignature => "invalid-signature",
        WebhookOutcome.Malformed => "malformed",
        WebhookOutcome.Unmatched => "unmatched",
        WebhookOutcome.Error => "error",
        _ => "unknown",
    };

    private static string Name(LinkDeliveryOutcome outcome) => outcome switch
    {
        LinkDeliveryOutcome.Sent => "sent",
        LinkDeliveryOutcome.Failed => "failed",
        LinkDeliveryOutcome.Retried => "retried",
        LinkDeliveryOutcome.RateLimited => "rate-limited",
        _ => "unknown",
    };

    private static string Name(Channel channel) => channel switch
    {
        Channel.Messenger => "messenger",
        Channel.X => "x",
        Channel.WhatsApp => "whatsapp",
        _ => "unknown",
    };

    private static string Name(OrderStatus status) => StatusNames.GetValueOrDefault(status, "unknown");
}
