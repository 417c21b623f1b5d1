using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>The API request that caused an event. Both fields are null for events the customer or a timer caused.</summary>
internal sealed record StripeRequestReference(string? Id, string? IdempotencyKey)
{
    public static readonly StripeRequestReference None = new(null, null);
}

/// <summary>
/// The object an event carries: its id and type, and writers for <c>data.object</c> and, when the event reports
/// a change, <c>data.previous_attributes</c>. The writers capture an immutable snapshot, so every serialization
/// of the event shows the object as it was when the event was emitted.
/// </summary>
internal sealed record StripeEventData(
    string ObjectId,
    string ObjectType,
    Action<Utf8JsonWriter> WriteObject,
    Action<Utf8JsonWriter>? WritePreviousAttributes = null);

/// <summary>
/// One event. <see cref="WebhookBody"/> is serialized once, so every delivery attempt sends the same bytes.
/// </summary>
internal sealed record StripeEventRecord(
    string Id,
    string Type,
    DateTimeOffset Created,
    StripeEventData Data,
    StripeRequestReference Request,
    string WebhookBody);

/// <summary>Event types the sandbox emits.</summary>
internal static class StripeEventTypes
{
    public const string CheckoutSessionCompleted = "checkout.session.completed";
    public const string CheckoutSessionAsyncPaymentSucceeded = "checkout.session.async_payment_succeeded";
    public const string CheckoutSessionAsyncPaymentFailed = "checkout.session.async_payment_failed";
    public const string CheckoutSessionExpired = "checkout.session.expired";
    public const string ChargeRefunded = "charge.refunded";
    public const string RefundCreated = "refund.created";
    public const string RefundUpdated = "refund.updated";
    public const string RefundFailed = "refund.failed";
    public const string ChargeDisputeCreated = "charge.dispute.created";
    public const string ChargeDisputeClosed = "charge.dispute.closed";
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

    /// <summary>Emits an event about a Checkout Session snapshot.</summary>
    public StripeEventRecord Emit(string type, CheckoutSessionState session, StripeRequestReference request)
    {
        var publicBaseUrl = options.Value.PublicBaseUrl;

        return Emit(type, new StripeEventData(session.Id, "checkout.session", writer => CheckoutSessionJson.Write(writer, session, publicBaseUrl)), request);
    }

    public StripeEventRecord Emit(string type, StripeEventData data, StripeRequestReference request)
    {
        var id = SandboxIds.Event();
        var created = clock.UtcNow;
        var pendingWebhooks = DeliversWebhooks ? 1 : 0;
        var body = StripeEventJson.Serialize(id, type, created, data, request, pendingWebhooks);
        var record = new StripeEventRecord(id, type, created, data, request, body);

        lock (gate)
        {
            events.Add(record);
            eventsById.Add(id, record);
        }

        logger.LogInformation(
            "Stripe sandbox emitted event {EventId} {EventType} for {ObjectType} {ObjectId}",
            id, type, data.ObjectType, data.ObjectId);

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
