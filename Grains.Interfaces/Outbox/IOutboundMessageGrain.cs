using KlmSocialPay.Grains.Ports;

namespace KlmSocialPay.Grains.Outbox;

/// <summary>A message to send, and who it is for: the order it belongs to and the agent who asked for it.</summary>
[GenerateSerializer, Immutable]
public sealed record OutboundRequest(
    [property: Id(0)] OutboundMessage Message,
    [property: Id(1)] string? OrderId,
    [property: Id(2)] string RequestedBy);

public enum OutboundStatus
{
    /// <summary>Stored; the next attempt is scheduled.</summary>
    Pending,

    /// <summary>The platform accepted the message.</summary>
    Sent,

    /// <summary>The platform refused it for good, the retry budget ran out, or it was cancelled.</summary>
    Failed,
}

/// <summary>Why one send attempt failed.</summary>
[GenerateSerializer, Immutable]
public sealed record SendFailure(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Code,
    [property: Id(2)] string Detail,
    [property: Id(3)] SendFailureKind Kind,
    [property: Id(4)] string? Rule);

/// <summary>Where an outbound message is.</summary>
[GenerateSerializer, Immutable]
public sealed record OutboundReport(
    [property: Id(0)] string MessageId,
    [property: Id(1)] OutboundStatus Status,
    [property: Id(2)] int Attempts,
    [property: Id(3)] string? PlatformMessageId,
    [property: Id(4)] DateTimeOffset? SentAt,
    [property: Id(5)] DateTimeOffset? NextAttemptAt,
    [property: Id(6)] SendFailure? LastFailure);

/// <summary>
/// One message to a customer, keyed by its id (<c>msg_…</c>): a durable record written before the first send,
/// then sent with retries (exponential back-off with jitter, driven by a reminder so that a silo restart does
/// not lose it) until the platform accepts it, refuses it for good, or the retry budget runs out.
/// </summary>
public interface IOutboundMessageGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores the message and makes the first attempt before returning. Idempotent: a second call returns
    /// the current report. Later attempts report to the order through <c>IOrderGrain.OnLinkDelivered</c>
    /// and <c>OnLinkDeliveryFailed</c>; the first attempt's result is only returned.
    /// </summary>
    Task<OutboundReport> Submit(OutboundRequest request);

    Task<OutboundReport?> GetReport();

    /// <summary>
    /// Marks the message sent because the platform echoed it back (Messenger's <c>message_echoes</c> carry the
    /// product's message id as metadata). This settles a send whose response was lost, so it is not sent again.
    /// </summary>
    Task ConfirmByEcho(string platformMessageId);

    /// <summary>
    /// Stops retrying; a message already sent stays sent. One-way, because the order calls it while this grain
    /// may be calling the order: an awaited call would deadlock the two. A message in flight may still go out,
    /// and the order, cancelled by then, ignores its delivery.
    /// </summary>
    [OneWay]
    Task Cancel();
}
