using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>The API request that caused an event. Both fields are null for events the customer or a timer caused.</summary>
internal sealed record StripeRequestReference(string? Id, string? IdempotencyKey)
{
    public static readonly StripeRequestReference None = new(null, null);
}

/// <summary>
/// One event. <see cref="WebhookBody"/> is serialized once, so every delivery attempt sends the same bytes.
/// </summary>
internal sealed record StripeEventRecord(
    string Id,
    string Type,
    DateTimeOffset Created,
    CheckoutSessionState Session,
    StripeRequestReference Request,
    string WebhookBody);

/// <summary>Event types the sandbox emits.</summary>
internal static class StripeEventTypes
{
    public const string CheckoutSessionCompleted = "checkout.session.completed";
    public const string CheckoutSessionAsyncPaymentSucceeded = "checkout.session.async_payment_succeeded";
    public const string CheckoutSessionAsyncPaymentFailed = "checkout.session.async_payment_failed";
    public const string CheckoutSessionExpired = "checkout.session.expired";
}

/// <summary>Stores every event in creation order and hands each one to webhook delivery.</summary>
internal sealed class StripeEventLog(
    WebhookDeliveryQueue deliveryQueue,
    WebhookDeliveryLog deliveryLog,
    IOptions<SandboxOptions> options,
    SandboxClock clock,
    ILogger<StripeEventLog> logger)
{
    private readonly Lock gate = new();
    private readonly List<StripeEventRecord> events = [];
    private readonly Dictionary<string, StripeEventRecord> eventsById = new(StringComparer.Ordinal);

    private bool DeliversWebhooks => !string.IsNullOrEmpty(options.Value.Stripe.WebhookUrl);

    public StripeEventRecord Emit(string type, CheckoutSessionState session, StripeRequestReference request)
    {
        var id = SandboxIds.Event();
        var created = clock.UtcNow;
        var pendingWebhooks = DeliversWebhooks ? 1 : 0;
        var body = StripeEventJson.Serialize(id, type, created, session, request, pendingWebhooks, options.Value.PublicBaseUrl);
        var record = new StripeEventRecord(id, type, created, session, request, body);

        lock (gate)
        {
            events.Add(record);
            eventsById.Add(id, record);
        }

        logger.LogInformation("Stripe sandbox emitted event {EventId} {EventType} for Checkout Session {CheckoutSessionId}", id, type, session.Id);

        if (DeliversWebhooks)
        {
            deliveryLog.Register(record);
            deliveryQueue.Enqueue(record);
        }

        return record;
    }

    public StripeEventRecord? Find(string id)
    {
        lock (gate)
        {
            return eventsById.GetValueOrDefault(id);
        }
    }

    /// <summary>All events, newest first.</summary>
    public IReadOnlyList<StripeEventRecord> NewestFirst()
    {
        lock (gate)
        {
            return Enumerable.Reverse(events).ToList();
        }
    }

    /// <summary>The current <c>pending_webhooks</c>: 1 until the delivery succeeds, including after it is given up.</summary>
    public int PendingWebhooks(string eventId) =>
        DeliversWebhooks && !deliveryLog.IsDelivered(eventId) ? 1 : 0;
}
