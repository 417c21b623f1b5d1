using KlmSocialPay.Grains.Outbox;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Grains.Outbox;

/// <summary>The stored state of a channel gate.</summary>
[GenerateSerializer]
public sealed class ChannelGateState
{
    [Id(0)] public DateTimeOffset? PausedUntil { get; set; }
    [Id(1)] public string? PauseReason { get; set; }

    /// <summary>Send times within the longest quota window, oldest first; empty for channels without quotas.</summary>
    [Id(2)] public List<DateTimeOffset> RecentSends { get; set; } = [];
}

/// <inheritdoc cref="IChannelGateGrain"/>
public sealed class ChannelGateGrain(
    [PersistentState("channelGate", StorageNames.Grains)] IPersistentState<ChannelGateState> gate,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<ChannelGateGrain> logger) : Grain, IChannelGateGrain
{
    private string ChannelName => this.GetPrimaryKeyString();

    private IReadOnlyList<QuotaOption> Quotas => options.Value.QuotasFor(ChannelName);

    public async Task<GateDecision> TryAcquire()
    {
        var now = clock.GetUtcNow();
        if (gate.State.PausedUntil is { } pausedUntil && pausedUntil > now)
        {
            return new GateDecision(false, pausedUntil, gate.State.PauseReason, null);
        }

        if (Quotas.Count == 0)
        {
            return new GateDecision(true, null, null, null);
        }

        Trim(now);
        foreach (var quota in Quotas)
        {
            var inWindow = gate.State.RecentSends.Where(at => at > now - quota.Window).ToList();
            if (inWindow.Count >= quota.Limit)
            {
                var retryAt = inWindow[0] + quota.Window;
                logger.LogWarning(
                    "Channel {Channel} reached its quota of {Limit} per {Window}; sending waits until {RetryAt}",
                    ChannelName, quota.Limit, quota.Window, retryAt);
                return new GateDecision(false, retryAt, $"quota of {quota.Limit} messages per {quota.Window} reached", null);
            }
        }

        gate.State.RecentSends.Add(now);
        await gate.WriteStateAsync();
        return new GateDecision(true, null, null, Warning(now));
    }

    public async Task Pause(DateTimeOffset until, string reason)
    {
        if (gate.State.PausedUntil is { } current && current >= until)
        {
            return;
        }

        gate.State.PausedUntil = until;
        gate.State.PauseReason = reason;
        await gate.WriteStateAsync();
        logger.LogWarning("Channel {Channel} paused until {PausedUntil}: {PauseReason}", ChannelName, until, reason);
    }

    public Task<ChannelGateStatus> GetStatus()
    {
        var now = clock.GetUtcNow();
        var paused = gate.State.PausedUntil > now ? gate.State.PausedUntil : null;
        var quotas = Quotas
            .Select(q => new QuotaUse(q.Window, q.Limit, gate.State.RecentSends.Count(at => at > now - q.Window)))
            .ToList();
        return Task.FromResult(new ChannelGateStatus(ChannelName, paused, paused is null ? null : gate.State.PauseReason, quotas, Warning(now)));
    }

    private string? Warning(DateTimeOffset now)
    {
        foreach (var quota in Quotas)
        {
            var used = gate.State.RecentSends.Count(at => at > now - quota.Window);
            if (used * 100 >= quota.Limit * options.Value.QuotaWarningPercent)
            {
                return $"{used} of {quota.Limit} messages per {quota.Window} used on {ChannelName}; all agents share this quota.";
            }
        }

        return null;
    }

    private void Trim(DateTimeOffset now)
    {
        var longest = Quotas.Max(q => q.Window);
        gate.State.RecentSends.RemoveAll(at => at <= now - longest);
    }
}
