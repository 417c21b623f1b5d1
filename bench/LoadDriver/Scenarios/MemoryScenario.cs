using System.Collections.Concurrent;
using System.Globalization;
using KlmSocialPay.LoadDriver.Measurement;
using KlmSocialPay.LoadDriver.Product;
using Npgsql;

namespace KlmSocialPay.LoadDriver.Scenarios;

/// <summary>
/// Scenario D: the silo's resident memory after 100,000 conversations got one message each (target below
/// 1 GB once idle grains are deactivated), and the latency of order reads with 10,000 against 1,000,000
/// stored orders. It restarts the silo on a new database first, so earlier scenarios' grains and rows do not count.
/// </summary>
public static class MemoryScenario
{
    private const string ColdRead = "GET /api/orders/{id}, cold (activation reads storage)";
    private const string WarmRead = "GET /api/orders/{id}, warm (grain active)";
    private const long GigaByte = 1_000_000_000;

    private static readonly TimeSpan PhaseLimit = TimeSpan.FromMinutes(5);

    public static async Task<ScenarioReport> Run(BenchContext context)
    {
        var options = context.Options;
        var report = new ScenarioReport("Scenario D: memory and stored-order read latency");
        report.Setting($"the silo is restarted first on a new, empty database; {options.DConversations:N0} new conversations get one message each from {options.DClients} clients; " +
            $"resident memory (VmRSS) is read right after and again after {options.DIdleWaitSeconds:0} s idle");
        report.Setting("Orleans deactivates idle grains after GrainCollectionOptions.CollectionAge (15 min by default). " +
            "The product binds no setting for it (Program.cs and OrleansSiloSetup configure none, and Orleans 10.4.2 reads none from the Orleans configuration section), " +
            "so no shorter age could be passed and the idle reading still has every grain active");

        await context.RestartOnNewDatabaseAsync("klmsocialpay_memory");
        var fresh = context.Silo.ReadMemory();

        var psids = Enumerable.Range(0, options.DConversations).Select(i => "73" + i.ToString("D14", CultureInfo.InvariantCulture)).ToArray();
        var touch = new LatencyRecorder();
        BenchContext.Progress($"D: touching {options.DConversations:N0} conversations");
        var touchWindow = await context.Measure(() => LoadRunner.RunClosedLoop(options.DClients, PhaseLimit, psids.Length,
            (sequence, _) => context.Client.PostMessage(psids[sequence], $"m_d_{sequence}", sequence, touch), context.CancellationToken));
        var touched = context.Silo.ReadMemory();

        BenchContext.Progress($"D: waiting {options.DIdleWaitSeconds:0} s idle");
        await Task.Delay(TimeSpan.FromSeconds(options.DIdleWaitSeconds), context.CancellationToken);
        var idle = context.Silo.ReadMemory();

        report.Target("resident memory < 1 GB after 100,000 conversations, idle grains deactivated",
            $"{ScenarioReport.Megabytes(idle.Rss)} after {options.DIdleWaitSeconds:0} s idle with the grains still active (peak {ScenarioReport.Megabytes(idle.Peak)})",
            options.DConversations >= 100_000 ? idle.Rss < GigaByte : null);
        report.Table("Silo resident memory:", ["moment", "VmRSS", "VmHWM (peak)"],
        [
            ["fresh start", ScenarioReport.Megabytes(fresh.Rss), ScenarioReport.Megabytes(fresh.Peak)],
            [$"right after {options.DConversations:N0} conversations", ScenarioReport.Megabytes(touched.Rss), ScenarioReport.Megabytes(touched.Peak)],
            [$"after {options.DIdleWaitSeconds:0} s idle", ScenarioReport.Megabytes(idle.Rss), ScenarioReport.Megabytes(idle.Peak)],
        ]);
        report.Latencies($"Touching the conversations ({touchWindow.Run.Elapsed.TotalSeconds:0.0} s):", touch.Summaries(touchWindow.Run.Elapsed));
        touchWindow.Describe(report, touchWindow.Run.Elapsed);

        await MeasureReads(context, report, psids);
        return report;
    }

    private static async Task MeasureReads(BenchContext context, ScenarioReport report, string[] psids)
    {
        var options = context.Options;
        var orderCount = Math.Min(options.DOrders, psids.Length);
        var orderIds = new ConcurrentBag<string>();
        var create = new LatencyRecorder();
        BenchContext.Progress($"D: creating {orderCount:N0} orders");
        var creation = await LoadRunner.RunClosedLoop(options.DClients, PhaseLimit, orderCount, async (sequence, _) =>
        {
            var agentKey = context.AgentKeys[(int)(sequence % context.AgentKeys.Count)];
            if (await context.Client.CreateSeatOrder(agentKey, psids[sequence], 4500, create) is { } orderId)
            {
                orderIds.Add(orderId);
            }
        }, context.CancellationToken);

        var ids = orderIds.ToArray();
        report.Latencies($"Creating the orders ({creation.Elapsed.TotalSeconds:0.0} s, {options.DClients} clients):", create.Summaries(creation.Elapsed));
        var small = await StoredOrders(context);
        var rows = new List<string[]>();
        var errorNotes = new List<string>();
        rows.AddRange(await ReadAll(context, ids, small, errorNotes));

        BenchContext.Progress($"D: storing filler orders up to {options.DStoredOrders:N0}");
        var fillerStart = System.Diagnostics.Stopwatch.GetTimestamp();
        await AddFillerOrders(context, options.DStoredOrders);
        var fillerSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(fillerStart).TotalSeconds;
        var large = await StoredOrders(context);
        rows.AddRange(await ReadAll(context, ids, large, errorNotes));

        report.Table($"Order reads ({ids.Length:N0} orders created through the API, each read once cold after a silo restart and once warm; {options.DClients} clients):",
            ["stored orders", "read", "ok", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows);
        report.Note($"The rows beyond the {ids.Length:N0} real orders are copies of a real order row (same grain type, payload and service id) " +
            $"under new random ids and hashes, inserted with SQL in {fillerSeconds:0} s followed by VACUUM ANALYZE, because creating them through the API would take hours on this machine. " +
            "They enlarge the table and its unique index as real orders would.");
        errorNotes.ForEach(report.Note);
    }

    private static async Task<IEnumerable<string[]>> ReadAll(BenchContext context, string[] orderIds, long storedOrders, List<string> errorNotes)
    {
        await context.StopSiloAsync();
        await context.StartSiloAsync();

        var rows = new List<string[]>();
        foreach (var (operation, label) in new[] { (ColdRead, "cold"), (WarmRead, "warm") })
        {
            BenchContext.Progress($"D: reading {orderIds.Length:N0} orders {label} with {storedOrders:N0} stored");
            var recorder = new LatencyRecorder();
            var agentKey = context.AgentKeys[0];
            var window = await LoadRunner.RunClosedLoop(context.Options.DClients, PhaseLimit, orderIds.Length,
                (sequence, _) => context.Client.ReadOrderStatus(agentKey, orderIds[sequence], recorder, operation), context.CancellationToken);
            var summaries = recorder.Summaries(window.Elapsed);
            var summary = summaries.First(s => s.Operation == operation);
            foreach (var failed in summaries.Where(s => s.Errors > 0))
            {
                errorNotes.Add($"{failed.Operation} with {storedOrders:N0} stored: " + string.Join(", ", failed.ErrorReasons.Select(pair => $"{pair.Key} × {pair.Value}")));
            }

            rows.Add([ScenarioReport.Count(storedOrders), label, ScenarioReport.Count(summary.Count), ScenarioReport.Count(summary.Errors),
                ScenarioReport.Number(summary.P50, 1), ScenarioReport.Number(summary.P95, 1), ScenarioReport.Number(summary.P99, 1), ScenarioReport.Number(summary.Max, 1)]);
        }

        return rows;
    }

    private static async Task<long> StoredOrders(BenchContext context)
    {
        await using var connection = new NpgsqlConnection(context.ProductConnectionString);
        await connection.OpenAsync(context.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansstorage WHERE grainidextensionstring LIKE 'ord\\_%';", connection);
        return (long)(await command.ExecuteScalarAsync(context.CancellationToken))!;
    }

    /// <summary>Copies a real order row under new ids until <paramref name="target"/> order rows are stored, in batches of 100,000.</summary>
    private static async Task AddFillerOrders(BenchContext context, long target)
    {
        const int Batch = 100_000;
        await using var connection = new NpgsqlConnection(context.ProductConnectionString);
        await connection.OpenAsync(context.CancellationToken);

        var missing = target - await StoredOrders(context);
        while (missing > 0)
        {
            var count = (int)Math.Min(Batch, missing);
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO orleansstorage
                    (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring,
                     serviceid, payloadbinary, modifiedon, version)
                SELECT (floor(random() * 4294967296) - 2147483648)::int, o.grainidn0, o.grainidn1, o.graintypehash, o.graintypestring,
                       'ord_' || md5(random()::text || g::text), o.serviceid, o.payloadbinary, now(), 1
                FROM (SELECT * FROM orleansstorage WHERE grainidextensionstring LIKE 'ord\_%' LIMIT 1) AS o
                CROSS JOIN generate_series(1, @count) AS g;
                """, connection);
            insert.Parameters.AddWithValue("count", count);
            await insert.ExecuteNonQueryAsync(context.CancellationToken);
            missing -= count;
            BenchContext.Progress($"D: {missing:N0} filler orders to go");
        }

        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE orleansstorage;", connection);
        await vacuum.ExecuteNonQueryAsync(context.CancellationToken);
    }
}
