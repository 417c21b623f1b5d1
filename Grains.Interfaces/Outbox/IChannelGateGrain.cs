namespace KlmSocialPay.Grains.Outbox;

/// <summary>Whether a channel may send now, and if not, until when it waits.</summary>
[GenerateSerializer, Immutable]
public sealed record GateDecision(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] DateTimeOffset? RetryAt,
    [property: Id(2)] string? Reason,
    [property: Id(3)] string? Warning);

/// <summary>A send quota: at most <see cref="Limit"/> messages in any <see cref="Window"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record SendQuota([property: Id(0)] TimeSpan Window, [property: Id(1)] int Limit);

/// <summary>What agents see of a channel's sending: pauses and quota use.</summary>
[GenerateSerializer, Immutable]
public sealed record ChannelGateStatus(
    [property: Id(0)] string Channel,
    [property: Id(1)] DateTimeOffset? PausedUntil,
    [property: Id(2)] string? PauseReason,
    [property: Id(3)] IReadOnlyList<QuotaUse> Quotas,
    [property: Id(4)] string? Warning);

[GenerateSerializer, Immutable]
public sealed record QuotaUse([property: Id(0)] TimeSpan Window, [property: Id(1)] int Limit, [property: Id(2)] int Used);

/// <summary>
/// One channel's send gate, keyed by channel name. It pauses the whole channel after a rate-limit response,
/// and counts sends against the channel's quotas (X allows one account 200 DMs per 15 minutes and 1,000 per
/// 24 hours, shared by every agent).
/// </summary>
public interface IChannelGateGrain : IGrainWithStringKey
{
    /// <summary>Takes one send from the quotas, or returns when to try again.</summary>
    Task<GateDecision> TryAcquire();

    /// <summary>Pauses the channel until <paramref name="until"/> (a later pause wins).</summary>
    Task Pause(DateTimeOffset until, string reason);

    Task<ChannelGateStatus> GetStatus();
}
