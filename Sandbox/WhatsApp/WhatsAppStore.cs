using System.Text.Json.Nodes;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>One status webhook the sandbox posted for an outbound message, and the product's response status.</summary>
internal sealed record WhatsAppStatusPost(string Status, DateTimeOffset PostedAt, int? WebhookStatusCode, string? WebhookError);

/// <summary>
/// A message the product sent through the send endpoint stand-in. <see cref="Content"/> is the body's
/// <c>text</c> or <c>interactive</c> object; <see cref="Status"/> is the last status the customer's phone reached.
/// </summary>
internal sealed record WhatsAppOutboundMessage(
    string Id,
    string RecipientId,
    string Type,
    JsonNode Content,
    string? BizOpaqueCallbackData,
    DateTimeOffset SentAt,
    string Status,
    IReadOnlyList<WhatsAppStatusPost> StatusPosts);

/// <summary>A customer message the sandbox delivered to the product's webhook.</summary>
internal sealed record WhatsAppInboundMessage(
    string Id,
    string WaId,
    string ProfileName,
    string Text,
    DateTimeOffset SentAt,
    int? WebhookStatusCode,
    string? WebhookError);

/// <summary>
/// Injected failures for one recipient: the next <see cref="Remaining"/> sends fail with <see cref="Error"/>,
/// or get no response at all when <see cref="Error"/> is null.
/// </summary>
internal sealed record WhatsAppFailureRule(string RecipientId, string Code, int Remaining, WhatsAppGraphError? Error);

/// <summary>State of the simulated business phone number: both directions, the customers' last messages, and injected failures.</summary>
internal sealed class WhatsAppStore
{
    /// <summary>Order of the statuses a message moves through; a status is never posted after a later one.</summary>
    private static readonly string[] StatusOrder = ["accepted", "sent", "delivered", "read"];

    private readonly Lock gate = new();
    private readonly List<WhatsAppOutboundMessage> outbound = [];
    private readonly List<WhatsAppInboundMessage> inbound = [];
    private readonly Dictionary<string, DateTimeOffset> lastCustomerMessageAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WhatsAppFailureRule> failureRules = new(StringComparer.Ordinal);

    public void RecordOutbound(WhatsAppOutboundMessage message)
    {
        lock (gate)
        {
            outbound.Add(message);
        }
    }

    /// <summary>
    /// Moves an outbound message to <paramref name="status"/> if that is later than where it is, and returns
    /// the message; returns null when it is already there or further, so the status is not posted.
    /// </summary>
    public WhatsAppOutboundMessage? Advance(string id, string status)
    {
        lock (gate)
        {
            var index = outbound.FindIndex(message => message.Id == id);
            if (index < 0 || Array.IndexOf(StatusOrder, outbound[index].Status) >= Array.IndexOf(StatusOrder, status))
            {
                return null;
            }

            outbound[index] = outbound[index] with { Status = status };
            return outbound[index];
        }
    }

    public void RecordStatusPost(string id, WhatsAppStatusPost post)
    {
        lock (gate)
        {
            var index = outbound.FindIndex(message => message.Id == id);
            if (index >= 0)
            {
                outbound[index] = outbound[index] with { StatusPosts = [.. outbound[index].StatusPosts, post] };
            }
        }
    }

    /// <summary>Records a customer message, which opens a new customer service window at <paramref name="windowOpenedAt"/>.</summary>
    public void RecordInbound(WhatsAppInboundMessage message, DateTimeOffset windowOpenedAt)
    {
        lock (gate)
        {
            inbound.Add(message);
            lastCustomerMessageAt[message.WaId] = windowOpenedAt;
        }
    }

    public void UpdateInboundDelivery(string id, int? statusCode, string? error)
    {
        lock (gate)
        {
            var index = inbound.FindLastIndex(message => message.Id == id);
            if (index >= 0)
            {
                inbound[index] = inbound[index] with { WebhookStatusCode = statusCode, WebhookError = error };
            }
        }
    }

    public DateTimeOffset? LastCustomerMessageAt(string waId)
    {
        lock (gate)
        {
            return lastCustomerMessageAt.TryGetValue(waId, out var at) ? at : null;
        }
    }

    public IReadOnlyList<WhatsAppOutboundMessage> Outbound(string? recipientId)
    {
        lock (gate)
        {
            return outbound.Where(message => recipientId is null || message.RecipientId == recipientId).ToList();
        }
    }

    public IReadOnlyList<WhatsAppInboundMessage> Inbound(string? waId)
    {
        lock (gate)
        {
            return inbound.Where(message => waId is null || message.WaId == waId).ToList();
        }
    }

    /// <summary>Every wa_id that wrote or was written to, most recent first.</summary>
    public IReadOnlyList<string> KnownWaIds()
    {
        lock (gate)
        {
            return inbound.Select(message => (message.WaId, message.SentAt))
                .Concat(outbound.Select(message => (WaId: message.RecipientId, message.SentAt)))
                .OrderByDescending(entry => entry.SentAt)
                .Select(entry => entry.WaId)
                .Distinct()
                .ToList();
        }
    }

    /// <summary>Replaces any earlier rule for the same recipient.</summary>
    public void AddFailureRule(WhatsAppFailureRule rule)
    {
        lock (gate)
        {
            failureRules[rule.RecipientId] = rule;
        }
    }

    public IReadOnlyList<WhatsAppFailureRule> FailureRules()
    {
        lock (gate)
        {
            return failureRules.Values.ToList();
        }
    }

    public void ClearFailureRules(string? recipientId)
    {
        lock (gate)
        {
            if (recipientId is null)
            {
                failureRules.Clear();
            }
            else
            {
                failureRules.Remove(recipientId);
            }
        }
    }

    /// <summary>Uses up one injected failure for <paramref name="recipientId"/>, if any is left.</summary>
    public WhatsAppFailureRule? TakeInjectedFailure(string recipientId)
    {
        lock (gate)
        {
            if (!failureRules.TryGetValue(recipientId, out var rule))
            {
                return null;
            }

            if (rule.Remaining <= 1)
            {
                failureRules.Remove(recipientId);
            }
            else
            {
                failureRules[recipientId] = rule with { Remaining = rule.Remaining - 1 };
            }

            return rule;
        }
    }
}
