namespace KlmSocialPay.Grains.Conversations;

public enum MessageDirection
{
    Inbound,
    Outbound,
}

/// <summary>
/// A customer's message as the platform delivered it. <see cref="PlatformMessageId"/> (Messenger mid,
/// X event id, WhatsApp wamid) makes redelivery harmless. <see cref="Text"/> is null for attachment-only messages.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record InboundMessage(
    [property: Id(0)] string PlatformMessageId,
    [property: Id(1)] string? Text,
    [property: Id(2)] IReadOnlyList<string> AttachmentTypes,
    [property: Id(3)] DateTimeOffset SentAt);

/// <summary>One message of a conversation, in either direction.</summary>
[GenerateSerializer, Immutable]
public sealed record ConversationMessage(
    [property: Id(0)] string PlatformMessageId,
    [property: Id(1)] MessageDirection Direction,
    [property: Id(2)] string? Text,
    [property: Id(3)] IReadOnlyList<string> AttachmentTypes,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string? OrderId);

/// <summary>What an agent sees of a conversation.</summary>
[GenerateSerializer, Immutable]
public sealed record ConversationSnapshot(
    [property: Id(0)] ConversationKey Key,
    [property: Id(1)] string? Language,
    [property: Id(2)] DateTimeOffset FirstMessageAt,
    [property: Id(3)] DateTimeOffset LastInboundAt,
    [property: Id(4)] IReadOnlyList<ConversationMessage> Messages,
    [property: Id(5)] IReadOnlyList<string> OrderIds);
