using System.Text.Json.Nodes;
using KlmSocialPay.Sandbox.Messaging;

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
    IReadOnlyList<WhatsAppStatusPost> StatusPosts) : IOutboundRecord;

/// <summary>A customer message the sandbox delivered to the product's webhook.</summary>
internal sealed record WhatsAppInboundMessage(
    string Id,
    string WaId,
    string ProfileName,
    string Text,
    DateTimeOffset SentAt,
    int? WebhookStatusCode,
    string? WebhookError) : IInboundRecord<WhatsAppInboundMessage>
{
    string IInboundRecord<WhatsAppInboundMessage>.MessageId => Id;

    string IInboundRecord<WhatsAppInboundMessage>.CustomerId => WaId;

    WhatsAppInboundMessage IInboundRecord<WhatsAppInboundMessage>.WithDelivery(int? webhookStatusCode, string? webhookError) =>
        this with { WebhookStatusCode = webhookStatusCode, WebhookError = webhookError };
}

/// <summary>
/// Injected failures for one recipient: the next <see cref="Remaining"/> sends fail with <see cref="Error"/>,
/// or get no response at all when <see cref="Error"/> is null.
/// </summary>
internal sealed record WhatsAppFailureRule(string RecipientId, string Code, int Remaining, WhatsAppGraphError? Error)
    : IFailureRule<WhatsAppFailureRule>
{
    WhatsAppFailureRule IFailureRule<WhatsAppFailureRule>.WithRemaining(int remaining) => this with { Remaining = remaining };
}

/// <summary>State of the simulated business phone number: both directions, the customers' last messages, and injected failures.</summary>
internal sealed class WhatsAppStore
{
    /// <summary>Order of the statuses a message moves through; a status is never posted after a later one.</summary>
    private static readonly string[] StatusOrder = ["accepted", "sent", "delivered", "read"];

    public ConversationLog<WhatsAppOutboundMessage, WhatsAppInboundMessage> Conversations { get; } = new();

    public InjectedFailureRules<WhatsAppFailureRule> Failures { get; } = new();

    /// <summary>
    /// Moves an outbound message to <paramref name="status"/> if that is later than where it is, and returns
    /// the message; returns null when it is already there or further, so the status is not posted.
    /// </summary>
    public WhatsAppOutboundMessage? Advance(string id, string status) =>
        Conversations.ReplaceOutbound(
            message => message.Id == id,
            message => Array.IndexOf(StatusOrder, message.Status) >= Array.IndexOf(StatusOrder, status) ? null : message with { Status = status });

    public void RecordStatusPost(string id, WhatsAppStatusPost post) =>
        Conversations.ReplaceOutbound(message => message.Id == id, message => message with { StatusPosts = [.. message.StatusPosts, post] });
}
