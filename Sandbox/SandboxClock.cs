namespace KlmSocialPay.Sandbox;

/// <summary>
/// The sandbox's notion of "now": the host's <see cref="TimeProvider"/> plus an adjustable offset, so a person
/// or a test can jump past a session's <c>expires_at</c> or the Messenger 24-hour window without waiting.
/// </summary>
public sealed class SandboxClock
{
    private readonly TimeProvider timeProvider;
    private long offsetTicks;

    public SandboxClock(TimeProvider timeProvider, TimeSpan initialOffset)
    {
        this.timeProvider = timeProvider;
        offsetTicks = initialOffset.Ticks;
    }

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    /// <summary>The shifted time that sandbox state is based on.</summary>
    public DateTimeOffset UtcNow => timeProvider.GetUtcNow() + Offset;

    /// <summary>The unshifted time, for values another party checks against its own clock (signatures).</summary>
    public DateTimeOffset RealUtcNow => timeProvider.GetUtcNow();

    public void SetOffset(TimeSpan offset) => Interlocked.Exchange(ref offsetTicks, offset.Ticks);

    public void Advance(TimeSpan duration) => Interlocked.Add(ref offsetTicks, duration.Ticks);
}
