using System.Text.Json.Nodes;

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>A message the product sent through the Send API stand-in. <see cref="Message"/> is the body's <c>message</c> object.</summary>
internal sealed record MessengerOutboundMessage(
    string MessageId,
    string RecipientId,
    string MessagingType,
    string? Tag,
    DateTimeOffset SentAt,
    JsonNode? Message,
    string? SenderAction);

/// <summary>A customer message or postback the sandbox delivered to the product's webhook.</summary>
internal sealed record MessengerInboundMessage(
    string MessageId,
    string Psid,
    DateTimeOffset SentAt,
    string Kind,
    string? Text,
    JsonNode? Attachments,
    string? PostbackTitle,
    string? PostbackPayload,
    int? WebhookStatusCode,
    string? WebhookError);

/// <summary>Injected failures for one recipient: the next <see cref="Remaining"/> sends fail with <see cref="Error"/>.</summary>
internal sealed record MessengerFailureRule(string RecipientId, int Code, int Remaining, MetaGraphError Error);

/// <summary>Conversation state of the simulated Page: both directions, the customers' last messages, and injected failures.</summary>
internal sealed class MessengerStore
{
    private readonly Lock gate = new();
    private readonly List<MessengerOutboundMessage> outbound = [];
    private readonly List<MessengerInboundMessage> inbound = [];
    private readonly Dictionary<string, DateTimeOffset> lastCustomerMessageAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MessengerFailureRule> failureRules = new(StringComparer.Ordinal);

    public void RecordOutbound(MessengerOutboundMessage message)
    {
        lock (gate)
        {
            outbound.Add(message);
        }
    }

    /// <summary>Records a customer message or postback, which opens a new messaging window at <paramref name="message"/>'s time.</summary>
    public void RecordInbound(MessengerInboundMessage message, DateTimeOffset windowOpenedAt)
    {
        lock (gate)
        {
            inbound.Add(message);
            lastCustomerMessageAt[message.Psid] = windowOpenedAt;
        }
    }

    public void UpdateInboundDelivery(string messageId, int? statusCode, string? error)
    {
        lock (gate)
        {
            var index = inbound.FindLastIndex(message => message.MessageId == messageId);

            if (index >= 0)
            {
                inbound[index] = inbound[index] with { WebhookStatusCode = statusCode, WebhookError = error };
            }
        }
    }

    public DateTimeOffset? LastCustomerMessageAt(string psid)
    {
        lock (gate)
        {
            return lastCustomerMessageAt.TryGetValue(psid, out var at) ? at : null;
        }
    }

    public IReadOnlyList<MessengerOutboundMessage> Outbound(string? recipientId)
    {
        lock (gate)
        {
            return outbound.Where(message => recipientId is null || message.RecipientId == recipientId).ToList();
        }
    }

    public IReadOnlyList<MessengerInboundMessage> Inbound(string? psid)
    {
        lock (gate)
        {
            return inbound.Where(message => psid is null || message.Psid == psid).ToList();
        }
    }

    /// <summary>Every PSID that wrote or was written to, most recent first.</summary>
    public IReadOnlyList<string> KnownPsids()
    {
        lock (gate)
        {
            return inbound.Select(message => (message.Psid, message.SentAt))
                .Concat(outbound.Select(message => (Psid: message.RecipientId, message.SentAt)))
                .OrderByDescending(entry => entry.SentAt)
                .Select(entry => entry.Psid)
                .Distinct()
                .ToList();
        }
    }

    /// <summary>Replaces any earlier rule for the same recipient.</summary>
    public void AddFailureRule(MessengerFailureRule rule)
    {
        lock (gate)
        {
            failureRules[rule.RecipientId] = rule;
        }
    }

    public IReadOnlyList<MessengerFailureRule> FailureRules()
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
    public MetaGraphError? TakeInjectedFailure(string recipientId)
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

            return rule.Error;
        }
    }
}
