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

/// <summary>Where an outbound message is, as the product and the platform's status callbacks report it.</summary>
public enum DeliveryStatus
{
    /// <summary>Stored and waiting for the platform to accept it (retries included).</summary>
    Pending,

    /// <summary>The platform accepted it.</summary>
    Sent,

    Delivered,
    Read,

    /// <summary>The platform refused it, or the retry budget ran out.</summary>
    Failed,
}

/// <summary>
/// One message of a conversation, in either direction. Inbound messages are keyed by the platform's id;
/// outbound ones by the product's <see cref="MessageId"/> (<c>msg_…</c>), and get the platform's id once it
/// accepted them. <see cref="Text"/> is erased after the retention period; the record itself stays.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ConversationMessage(
    [property: Id(0)] string? PlatformMessageId,
    [property: Id(1)] MessageDirection Direction,
    [property: Id(2)] string? Text,
    [property: Id(3)] IReadOnlyList<string> AttachmentTypes,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string? OrderId,
    [property: Id(6)] string? MessageId = null,
    [property: Id(7)] DeliveryStatus? Delivery = null,
    [property: Id(8)] string? DeliveryError = null,
    [property: Id(9)] bool TextErased = false);

/// <summary>The view of a conversation the agent API returns.</summary>
[GenerateSerializer, Immutable]
public sealed record ConversationSnapshot(
    [property: Id(0)] ConversationKey Key,
    [property: Id(1)] string? Language,
    [property: Id(2)] DateTimeOffset FirstMessageAt,
    [property: Id(3)] DateTimeOffset LastInboundAt,
    [property: Id(4)] IReadOnlyList<ConversationMessage> Messages,
    [property: Id(5)] IReadOnlyList<string> OrderIds);
