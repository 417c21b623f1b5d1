using KlmSocialPay.Grains.Conversations;

namespace KlmSocialPay.Grains.Ports;

/// <summary>
/// A payment link message to one customer. <see cref="Text"/> and <see cref="ButtonTitle"/> are already in
/// the customer's language; the channel decides how to show them (a button on Messenger, text and URL on X).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PaymentLinkMessage(
    [property: Id(0)] ConversationKey Recipient,
    [property: Id(1)] string Text,
    [property: Id(2)] string ButtonTitle,
    [property: Id(3)] string Url,
    [property: Id(4)] string IdempotencyKey);

/// <summary>The platform's acknowledgement of a sent message.</summary>
[GenerateSerializer, Immutable]
public sealed record SentMessage(
    [property: Id(0)] string PlatformMessageId,
    [property: Id(1)] DateTimeOffset SentAt);

/// <summary>One messaging platform's send side, seen from the domain.</summary>
public interface IChannelSender
{
    Channel Channel { get; }

    /// <exception cref="ChannelSendException">The platform did not accept the message.</exception>
    Task<SentMessage> SendPaymentLink(PaymentLinkMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// Raised when a platform does not accept a message. <see cref="Code"/> is the platform's error code
/// (Meta's <c>10/2018278</c> for the 24-hour window), and <see cref="Retryable"/> says whether the same
/// message may succeed later.
/// </summary>
[GenerateSerializer]
public sealed class ChannelSendException : Exception
{
    public ChannelSendException(string code, string detail, bool retryable)
        : base(detail)
    {
        Code = code;
        Detail = detail;
        Retryable = retryable;
    }

    [Id(0)] public string Code { get; init; }

    [Id(1)] public string Detail { get; init; }

    [Id(2)] public bool Retryable { get; init; }
}
