using Npgsql;

namespace KlmSocialPay.LoadDriver.Measurement;

/// <summary>
/// Samples <c>pg_stat_activity</c> every 100 ms during a run and counts what the product's active backends
/// are doing: running on CPU (no wait event), waiting for a lock, for WAL, for the client, and so on.
/// </summary>
public sealed class WaitEventSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, long> counts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private long samples;

    private WaitEventSampler(string connectionString, string database)
    {
        loop = Task.Run(() => RunAsync(connectionString, database));
    }

    public static WaitEventSampler Start(string connectionString, string database) => new(connectionString, database);

    /// <summary>Average active backends per sample, by wait event ("CPU" when none), largest first.</summary>
    public async Task<IReadOnlyList<(string WaitEvent, double ActiveBackends)>> StopAsync()
    {
        await stop.CancelAsync();
        await loop;
        lock (counts)
        {
            return [.. counts
                .OrderByDescending(pair => pair.Value)
                .Select(pair => (pair.Key, samples > 0 ? (double)pair.Value / samples : 0))];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync();
        }

        await loop;
        stop.Dispose();
    }

    private async Task RunAsync(string connectionString, string database)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(stop.Token);
            await using var command = new NpgsqlCommand(
                """
                SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU')
                FROM pg_stat_activity
                WHERE datname = @database AND state = 'active' AND pid <> pg_backend_pid();
                """, connection);
            command.Parameters.AddWithValue("database", database);
            await command.PrepareAsync(stop.Token);

            while (!stop.IsCancellationRequested)
            {
                var seen = new List<string>();
                await using (var reader = await command.ExecuteReaderAsync(stop.Token))
                {
                    while (await reader.ReadAsync(stop.Token))
                    {
                        seen.Add(reader.GetString(0));
                    }
                }

                lock (counts)
                {
                    samples++;
                    foreach (var waitEvent in seen)
                    {
                        counts[waitEvent] = counts.GetValueOrDefault(waitEvent) + 1;
                    }
                }

                await Task.Delay(Interval, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
