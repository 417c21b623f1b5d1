using System.Text.Json.Nodes;
using KlmSocialPay.Sandbox.Messaging;

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>A message the product sent through the Send API stand-in. <see cref="Message"/> is the body's <c>message</c> object.</summary>
internal sealed record MessengerOutboundMessage(
    string MessageId,
    string RecipientId,
    string MessagingType,
    string? Tag,
    DateTimeOffset SentAt,
    JsonNode? Message,
    string? SenderAction) : IOutboundRecord;

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
    string? WebhookError) : IInboundRecord<MessengerInboundMessage>
{
    string IInboundRecord<MessengerInboundMessage>.CustomerId => Psid;

    MessengerInboundMessage IInboundRecord<MessengerInboundMessage>.WithDelivery(int? webhookStatusCode, string? webhookError) =>
        this with { WebhookStatusCode = webhookStatusCode, WebhookError = webhookError };
}

/// <summary>Injected failures for one recipient: the next <see cref="Remaining"/> sends fail with <see cref="Error"/>.</summary>
internal sealed record MessengerFailureRule(string RecipientId, int Code, int Remaining, MetaGraphError Error)
    : IFailureRule<MessengerFailureRule>
{
    MessengerFailureRule IFailureRule<MessengerFailureRule>.WithRemaining(int remaining) => this with { Remaining = remaining };
}

/// <summary>
/// Conversation state of the simulated Page: both directions, the customers' last messages, and injected failures.
/// Every postback and customer message opens a new messaging window.
/// </summary>
internal sealed class MessengerStore
{
    public ConversationLog<MessengerOutboundMessage, MessengerInboundMessage> Conversations { get; } = new();

    public InjectedFailureRules<MessengerFailureRule> Failures { get; } = new();
}
