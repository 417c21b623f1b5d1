using System.Collections.Concurrent;
using System.Diagnostics;

namespace KlmSocialPay.LoadDriver.Measurement;

/// <summary>
/// Latency samples and errors per operation name, for one measured window. Thread-safe. Samples are
/// kept whole (a minute at 2,000 requests/s is 120,000 doubles), so percentiles are exact.
/// </summary>
public sealed class LatencyRecorder
{
    private readonly ConcurrentDictionary<string, OperationSamples> operations = new(StringComparer.Ordinal);
    private readonly List<string> order = [];

    public static double ElapsedMilliseconds(long startTimestamp) =>
        Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;

    public void Success(string operation, double milliseconds) => Get(operation).AddSuccess(milliseconds);

    /// <summary>Records a failed call: a non-2xx status or an exception, named by <paramref name="reason"/>.</summary>
    public void Error(string operation, double milliseconds, string reason) => Get(operation).AddError(milliseconds, reason);

    public IReadOnlyList<OperationSummary> Summaries(TimeSpan window)
    {
        lock (order)
        {
            return [.. order.Select(name => operations[name].Summarize(name, window))];
        }
    }

    public long TotalErrors => operations.Values.Sum(samples => samples.ErrorCount);

    private OperationSamples Get(string operation) =>
        operations.GetOrAdd(operation, name =>
        {
            lock (order)
            {
                order.Add(name);
            }

            return new OperationSamples();
        });

    private sealed class OperationSamples
    {
        private readonly List<double> successes = [];
        private readonly Dictionary<string, long> errors = new(StringComparer.Ordinal);

        public long ErrorCount
        {
            get
            {
                lock (errors)
                {
                    return errors.Values.Sum();
                }
            }
        }

        public void AddSuccess(double milliseconds)
        {
            lock (successes)
            {
                successes.Add(milliseconds);
            }
        }

        public void AddError(double milliseconds, string reason)
        {
            lock (errors)
            {
                errors[reason] = errors.GetValueOrDefault(reason) + 1;
            }
        }

        public OperationSummary Summarize(string name, TimeSpan window)
        {
            double[] sorted;
            lock (successes)
            {
                sorted = [.. successes];
            }

            Array.Sort(sorted);
            Dictionary<string, long> errorCopy;
            lock (errors)
            {
                errorCopy = new Dictionary<string, long>(errors, StringComparer.Ordinal);
            }

            return new OperationSummary(
                name,
                sorted.Length,
                errorCopy.Values.Sum(),
                window.TotalSeconds > 0 ? sorted.Length / window.TotalSeconds : 0,
                Percentile(sorted, 50),
                Percentile(sorted, 95),
                Percentile(sorted, 99),
                sorted.Length > 0 ? sorted[^1] : double.NaN,
                errorCopy);
        }

        // Nearest-rank percentile of a sorted array.
        private static double Percentile(double[] sorted, double percent)
        {
            if (sorted.Length == 0)
            {
                return double.NaN;
            }

            var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
            return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
        }
    }
}

/// <summary>One operation's successes, errors, rate of successes over the window, and latency percentiles in milliseconds.</summary>
public sealed record OperationSummary(
    string Operation, long Count, long Errors, double PerSecond, double P50, double P95, double P99, double Max,
    IReadOnlyDictionary<string, long> ErrorReasons);
