using System.Collections.Concurrent;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>The delivery state of one event, as <c>GET /sandbox/stripe/deliveries</c> reports it.</summary>
internal sealed record WebhookDeliveryStatus(
    string EventId,
    string EventType,
    string ObjectType,
    string ObjectId,
    DateTimeOffset CreatedAt,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    bool Delivered,
    bool GivenUp,
    DateTimeOffset? NextAttemptAt);

/// <summary>Delivery state of every event that was queued for the webhook endpoint.</summary>
internal sealed class WebhookDeliveryLog
{
    private readonly ConcurrentDictionary<string, WebhookDeliveryStatus> deliveries = new(StringComparer.Ordinal);

    public void Register(StripeEventRecord record) =>
        deliveries[record.Id] = new WebhookDeliveryStatus(
            record.Id, record.Type, record.Data.ObjectType, record.Data.ObjectId, record.Created, 0, null, null, false, false, null);

    /// <summary>Records one finished attempt. Each event has a single delivery task, so updates do not race.</summary>
    public void RecordAttempt(string eventId, int attempt, int? statusCode, string? error, bool delivered, bool givenUp, DateTimeOffset? nextAttemptAt) =>
        deliveries.AddOrUpdate(
            eventId,
            _ => throw new InvalidOperationException($"Event {eventId} was not registered for delivery."),
            (_, current) => current with
            {
                Attempts = attempt,
                LastStatusCode = statusCode,
                LastError = error,
                Delivered = delivered,
                GivenUp = givenUp,
                NextAttemptAt = nextAttemptAt,
            });

    public bool IsDelivered(string eventId) =>
        deliveries.TryGetValue(eventId, out var status) && status.Delivered;

    public IReadOnlyList<WebhookDeliveryStatus> NewestFirst() =>
        deliveries.Values.OrderByDescending(status => status.CreatedAt).ThenByDescending(status => status.EventId, StringComparer.Ordinal).ToList();
}
