using KlmSocialPay.Grains.Outbox;

namespace KlmSocialPay.Grains.Outbox;

/// <summary>How outbound messages are retried and throttled. Bound from the configuration section <c>Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>Attempts per message, the first one included, before the message fails and the agent is notified.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Delay before the second attempt; each later one doubles it, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Each delay is moved by a random share of up to this fraction, so retries of many messages spread out.</summary>
    public double JitterFraction { get; set; } = 0.2;

    /// <summary>
    /// How long to wait after a send with no response before sending again, so that the platform's echo can
    /// confirm the message first.
    /// </summary>
    public TimeSpan UnknownOutcomeWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of a quota, in percent, from which agents are warned.</summary>
    public int QuotaWarningPercent { get; set; } = 80;

    /// <summary>
    /// Send quotas per channel name (<c>Outbox:Quotas:x:0:Window</c>, <c>…:Limit</c>). A channel listed here
    /// replaces its default quotas (<see cref="DefaultQuotas"/>) rather than adding to them.
    /// </summary>
    public Dictionary<string, List<QuotaOption>> Quotas { get; set; } = new(StringComparer.Ordinal);

    /// <summary>X allows one account 200 DMs per 15 minutes and 1,000 per 24 hours (X API v2 rate limits).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<QuotaOption>> DefaultQuotas = new Dictionary<string, IReadOnlyList<QuotaOption>>
    {
        ["x"] = [new QuotaOption { Window = TimeSpan.FromMinutes(15), Limit = 200 }, new QuotaOption { Window = TimeSpan.FromHours(24), Limit = 1000 }],
    };

    /// <summary>Returns the quotas that apply to a channel: the configured ones, else the defaults, else none.</summary>
    public IReadOnlyList<QuotaOption> QuotasFor(string channel) =>
        Quotas.TryGetValue(channel, out var configured) ? configured : DefaultQuotas.GetValueOrDefault(channel) ?? [];

    /// <summary>Returns the delay before attempt number <paramref name="nextAttempt"/> (2 for the first retry).</summary>
    public TimeSpan RetryDelay(int nextAttempt, Random random)
    {
        var exponent = Math.Min(nextAttempt - 2, 20);
        var delay = TimeSpan.FromTicks(Math.Min(BaseDelay.Ticks * (1L << exponent), MaxDelay.Ticks));
        var jitter = 1 + ((random.NextDouble() * 2) - 1) * JitterFraction;
        return TimeSpan.FromTicks((long)(delay.Ticks * jitter));
    }
}

public sealed class QuotaOption
{
    public TimeSpan Window { get; set; }

    public int Limit { get; set; }
}
