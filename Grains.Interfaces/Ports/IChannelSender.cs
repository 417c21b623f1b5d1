using KlmSocialPay.Grains.Conversations;

namespace KlmSocialPay.Grains.Ports;

/// <summary>
/// One message to one customer. <see cref="MessageId"/> is the product's own id for the message
/// (<c>msg_…</c>); channels that can carry it (Messenger's <c>metadata</c>) send it along so the platform's
/// echo confirms delivery. <see cref="LinkUrl"/> and <see cref="LinkTitle"/> are set for a payment link, and
/// the channel decides how to show them (a button on Messenger, text and URL on X).
/// <see cref="CustomerLastWroteAt"/> is when the customer last wrote, which the platforms' messaging windows
/// are measured from.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OutboundMessage(
    [property: Id(0)] string MessageId,
    [property: Id(1)] ConversationKey Recipient,
    [property: Id(2)] string Text,
    [property: Id(3)] string? LinkTitle,
    [property: Id(4)] string? LinkUrl,
    [property: Id(5)] DateTimeOffset? CustomerLastWroteAt);

/// <summary>The platform's acknowledgement of a sent message.</summary>
[GenerateSerializer, Immutable]
public sealed record SentMessage(
    [property: Id(0)] string PlatformMessageId,
    [property: Id(1)] DateTimeOffset SentAt);

/// <summary>
/// Whether a platform's rules let the product write to a customer now. <see cref="Rule"/> names the rule
/// that stops it (<c>messenger-24h-window</c>) and <see cref="Detail"/> says it in words for the agent.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChannelPolicyDecision(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] string? Rule,
    [property: Id(2)] string? Detail)
{
    public static readonly ChannelPolicyDecision Allow = new(true, null, null);

    public static ChannelPolicyDecision Refuse(string rule, string detail) => new(false, rule, detail);
}

/// <summary>One messaging platform's send side, seen from the domain.</summary>
public interface IChannelSender
{
    Channel Channel { get; }

    /// <summary>
    /// Applies the platform's messaging window to a message that would be sent at <paramref name="now"/>.
    /// Pure: no I/O, so the domain can ask before it creates a payment session.
    /// </summary>
    ChannelPolicyDecision CheckPolicy(DateTimeOffset? customerLastWroteAt, DateTimeOffset now);

    /// <exception cref="ChannelSendException">The platform did not accept the message, or the outcome is unknown.</exception>
    Task<SentMessage> Send(OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>How a send failed, which decides what the outbox does next.</summary>
public enum SendFailureKind
{
    /// <summary>The platform refused for good (blocked, outside the window, bad token); retrying cannot help.</summary>
    Permanent,

    /// <summary>The platform refused for now (5xx, temporary error); a retry may succeed.</summary>
    Transient,

    /// <summary>The platform asked the product to slow down; the whole channel pauses until <see cref="ChannelSendException.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>No answer came back (timeout, connection lost after sending), so the platform may have accepted the message.</summary>
    Unknown,
}

/// <summary>
/// Raised when a platform does not accept a message. <see cref="Code"/> is the platform's error code
/// (Meta's <c>10/2018278</c> for the 24-hour window), <see cref="Rule"/> the platform rule that stopped it, if any.
/// </summary>
[GenerateSerializer]
public sealed class ChannelSendException : Exception
{
    public ChannelSendException(string code, string detail, SendFailureKind kind, TimeSpan? retryAfter = null, string? rule = null)
        : base(detail)
    {
        Code = code;
        Detail = detail;
        Kind = kind;
        RetryAfter = retryAfter;
        Rule = rule;
    }

    [Id(0)] public string Code { get; init; }

    [Id(1)] public string Detail { get; init; }

    [Id(2)] public SendFailureKind Kind { get; init; }

    [Id(3)] public TimeSpan? RetryAfter { get; init; }

    [Id(4)] public string? Rule { get; init; }

    public bool Retryable => Kind is not SendFailureKind.Permanent;
}
