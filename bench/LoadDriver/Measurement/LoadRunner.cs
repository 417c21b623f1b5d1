using System.Diagnostics;

namespace KlmSocialPay.LoadDriver.Measurement;

/// <summary>
/// Runs an operation at a fixed arrival rate (open loop) or from N clients back to back (closed loop).
/// Both stop by themselves: after the planned count or duration, then a bounded drain of calls in flight.
/// </summary>
public static class LoadRunner
{
    /// <summary>How long calls still in flight may take after the last start before the run gives up on them.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(35);

    /// <summary>
    /// Starts <paramref name="operation"/> up to <c>rate × duration</c> times on a fixed schedule. The operation
    /// gets its sequence number and its scheduled start (a <see cref="Stopwatch"/> timestamp), so it can measure
    /// latency from when it should have started: a late start then counts against the product, not away.
    /// At most <paramref name="maxInFlight"/> calls run at once; when that many are open, starts wait, and
    /// once <paramref name="duration"/> has passed no call starts any more, so the run cannot outlast it
    /// by more than the drain. The calls never started are <see cref="RunWindow.NotStarted"/>.
    /// </summary>
    public static async Task<RunWindow> RunAtRate(
        double rate, TimeSpan duration, int maxInFlight, Func<long, long, Task> operation, CancellationToken cancellationToken)
    {
        var total = (long)Math.Round(rate * duration.TotalSeconds);
        var ticksPerCall = Stopwatch.Frequency / rate;
        using var slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        var failures = new FailureLog();
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long lateStarts = 0;
        long started = 0;

        for (long i = 0; i < total && !cancellationToken.IsCancellationRequested; i++)
        {
            var scheduled = start + (long)(i * ticksPerCall);
            if (Stopwatch.GetTimestamp() > end)
            {
                break;
            }

            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken);
            }

            if (!slots.Wait(0))
            {
                lateStarts++;
                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end);
                if (remaining <= TimeSpan.Zero || !await slots.WaitAsync(remaining, cancellationToken))
                {
                    break;
                }
            }

            started++;

            var sequence = i;
            _ = Task.Run(async () =>
            {
                try
                {
                    await operation(sequence, scheduled);
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None);
        }

        var startsDone = Stopwatch.GetElapsedTime(start);
        var drained = await Drain(slots, maxInFlight);
        return new RunWindow(Stopwatch.GetElapsedTime(start), startsDone, started, lateStarts, drained, failures.Count, failures.First)
        {
            NotStarted = total - started,
        };
    }

    /// <summary>
    /// Runs <paramref name="clients"/> loops that each call <paramref name="operation"/> back to back until
    /// <paramref name="duration"/> has passed or <paramref name="maxCalls"/> calls have started in total.
    /// </summary>
    public static async Task<RunWindow> RunClosedLoop(
        int clients, TimeSpan duration, long maxCalls, Func<long, long, Task> operation, CancellationToken cancellationToken)
    {
        var failures = new FailureLog();
        var start = Stopwatch.GetTimestamp();
        long started = -1;
        var loops = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (!cancellationToken.IsCancellationRequested && Stopwatch.GetElapsedTime(start) < duration)
            {
                var sequence = Interlocked.Increment(ref started);
                if (sequence >= maxCalls)
                {
                    return;
                }

                try
                {
                    await operation(sequence, Stopwatch.GetTimestamp());
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
            }
        }, CancellationToken.None)).ToList();

        var all = Task.WhenAll(loops);
        var finished = await Task.WhenAny(all, Task.Delay(duration + DrainLimit, CancellationToken.None)) == all;
        var elapsed = Stopwatch.GetElapsedTime(start);
        return new RunWindow(elapsed, elapsed, Math.Min(Interlocked.Read(ref started) + 1, maxCalls), 0, finished, failures.Count, failures.First);
    }

    private static async Task<bool> Drain(SemaphoreSlim slots, int maxInFlight)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(DrainLimit.TotalSeconds * Stopwatch.Frequency);
        while (slots.CurrentCount < maxInFlight)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(10, CancellationToken.None);
        }

        return true;
    }
}

/// <summary>
/// A finished run: its wall time including the drain, the time until the last start, the calls started,
/// and the starts that had to wait for a free slot. It also records whether every call finished within the
/// drain limit, and the calls that threw with the first exception. A throw is a driver bug or a response
/// the driver could not read.
/// </summary>
public sealed record RunWindow(
    TimeSpan Elapsed, TimeSpan StartPhase, long Started, long LateStarts, bool Drained, long Exceptions, string? FirstException)
{
    /// <summary>Calls of an open-loop schedule that never started because the duration ran out while every slot was busy.</summary>
    public long NotStarted { get; init; }
}

/// <summary>Counts exceptions from concurrent calls and keeps the first one's type and message.</summary>
internal sealed class FailureLog
{
    private long count;
    private string? first;

    public long Count => Interlocked.Read(ref count);

    public string? First => Volatile.Read(ref first);

    public void Add(Exception exception)
    {
        Interlocked.Increment(ref count);
        Interlocked.CompareExchange(ref first, $"{exception.GetType().Name}: {exception.Message}", null);
    }
}
