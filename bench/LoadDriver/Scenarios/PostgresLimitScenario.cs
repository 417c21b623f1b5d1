using System.Globalization;
using System.Text.RegularExpressions;
using KlmSocialPay.LoadDriver.Measurement;
using Npgsql;

namespace KlmSocialPay.LoadDriver.Scenarios;

/// <summary>
/// Scenario C: the single-row upsert rate this machine's PostgreSQL reaches with pgbench, against the
/// product's grain state writes per second in scenario B of the same run, which runs first. Target: the product reaches at
/// least half of the raw rate.
/// </summary>
public static partial class PostgresLimitScenario
{
    private const string Database = "upsertbench";

    public static async Task<ScenarioReport> Run(BenchContext context)
    {
        var options = context.Options;
        var report = new ScenarioReport("Scenario C: raw PostgreSQL upsert limit");

        var payloadBytes = await AveragePayloadBytes(context);
        await Prepare(context, payloadBytes);

        var script = await context.Postgres.WriteSharedFileAsync("upsert.sql", UpsertScript(options.CRows, payloadBytes), context.CancellationToken);
        report.Setting($"pgbench {options.CSeconds:0} s per run, 2 threads, prepared statements for each client count and once unprepared; each transaction upserts one of " +
            $"{options.CRows:N0} rows of a table shaped and indexed like OrleansStorage, with a {payloadBytes:N0}-byte payload " +
            "(the average of the product's stored rows), through the same INSERT … SELECT … WHERE EXISTS … ON CONFLICT DO UPDATE form as the grain storage's write query");

        var rows = new List<string[]>();
        double best = 0;
        var bestClients = options.PgbenchClientCounts[0];
        foreach (var clients in options.PgbenchClientCounts)
        {
            var tps = await RunPgbench(context, script, clients, "prepared", rows);
            if (tps > best)
            {
                best = tps;
                bestClients = clients;
            }
        }

        // Npgsql sends each grain storage query unprepared (parse, plan and execute every time) unless the
        // connection string enables automatic preparation, so the extended mode shows that cost.
        var unprepared = await RunPgbench(context, script, bestClients, "extended", rows);

        report.Table("pgbench single-row upserts (prepared: parsed and planned once per connection; extended: parsed and planned per statement):",
            ["clients", "protocol", "upserts/s", "average latency ms"], rows);

        var product = context.ProductStateWritesPerSecond ?? 0;
        var share = best > 0 ? product / best : 0;
        report.Target("product's persisted state writes ≥ 50% of the raw upsert rate",
            $"{product:N0} writes/s in {context.ProductStateWritesSource} vs {best:N0} upserts/s: {share:P0}", share >= 0.5);
        report.Note($"Against the unprepared rate ({unprepared:N0} upserts/s), which matches how the product sends its queries, the product's share is {(unprepared > 0 ? product / unprepared : 0):P0}.");
        report.Note("The product's writes are the rows its grain storage write query returned (one per successful write) in scenario B's measured window, from pg_stat_statements; reminder rows are not included.");
        return report;
    }

    private static async Task<double> RunPgbench(BenchContext context, string script, int clients, string protocol, List<string[]> rows)
    {
        var seconds = context.Options.CSeconds;
        BenchContext.Progress($"C: pgbench with {clients} clients, {protocol} protocol, for {seconds:0} s");
        var output = await context.Postgres.RunPgbenchAsync(Database,
            ["-n", "-M", protocol, "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
             "-T", seconds.ToString("0", CultureInfo.InvariantCulture), "-f", script],
            context.CancellationToken);
        var tps = ParseTps(output);
        var latency = LatencyPattern().Match(output) is { Success: true } match ? match.Groups[1].Value : "–";
        rows.Add([clients.ToString(CultureInfo.InvariantCulture), protocol, $"{tps:N0}", latency]);
        return tps;
    }

    private static async Task<int> AveragePayloadBytes(BenchContext context)
    {
        await using var connection = new NpgsqlConnection(context.ProductConnectionString);
        await connection.OpenAsync(context.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT coalesce(avg(octet_length(payloadbinary)), 0)::int FROM orleansstorage;", connection);
        var average = (int)(await command.ExecuteScalarAsync(context.CancellationToken))!;
        return Math.Max(64, average);
    }

    private static async Task Prepare(BenchContext context, int payloadBytes)
    {
        await context.Postgres.CreateDatabaseAsync(Database, context.CancellationToken);
        await using var connection = new NpgsqlConnection(context.Postgres.ConnectionString(Database));
        await connection.OpenAsync(context.CancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            CREATE TABLE benchstorage
            (
                grainidhash integer NOT NULL, grainidn0 bigint NOT NULL, grainidn1 bigint NOT NULL,
                graintypehash integer NOT NULL, graintypestring varchar(512) NOT NULL,
                grainidextensionstring varchar(512) NULL, serviceid varchar(150) NOT NULL,
                payloadbinary bytea NULL, modifiedon timestamptz NOT NULL, version integer NOT NULL
            );
            CREATE UNIQUE INDEX ux_benchstorage ON benchstorage
                (grainidhash, graintypehash, serviceid, grainidn0, grainidn1, graintypestring,
                 (grainidextensionstring IS NULL), coalesce(grainidextensionstring, ''));
            INSERT INTO benchstorage
            SELECT g, 0, 0, 7, 'order', 'ord_' || g, 'klmsocialpay',
                   convert_to(repeat('x', {payloadBytes}), 'UTF8'), now(), 1
            FROM generate_series(1, {context.Options.CRows}) AS g;
            """, connection);
        await command.ExecuteNonQueryAsync(context.CancellationToken);

        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE benchstorage;", connection);
        await vacuum.ExecuteNonQueryAsync(context.CancellationToken);
    }

    /// <summary>
    /// One upsert per transaction, shaped like the grain storage's WriteToStorage query. The version check of
    /// the real query needs the caller's ETag, which pgbench does not track, so this one always updates.
    /// </summary>
    private static string UpsertScript(int rows, int payloadBytes) =>
        $$"""
        \set id random(1, {{rows}})
        INSERT INTO benchstorage AS s (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid, payloadbinary, modifiedon, version)
        SELECT :id, 0, 0, 7, 'order', 'ord_' || :id, 'klmsocialpay', convert_to(repeat('y', {{payloadBytes}}), 'UTF8'), now(), 1
        WHERE EXISTS (SELECT 1 FROM benchstorage WHERE grainidhash = :id AND graintypehash = 7 AND serviceid = 'klmsocialpay' AND grainidn0 = 0 AND grainidn1 = 0 AND graintypestring = 'order' AND grainidextensionstring IS NOT DISTINCT FROM 'ord_' || :id)
        ON CONFLICT (grainidhash, graintypehash, serviceid, grainidn0, grainidn1, graintypestring, (grainidextensionstring IS NULL), coalesce(grainidextensionstring, ''))
        DO UPDATE SET payloadbinary = excluded.payloadbinary, modifiedon = excluded.modifiedon, version = s.version + 1
        RETURNING s.version;

        """;

    private static double ParseTps(string output) =>
        TpsPattern().Match(output) is { Success: true } match
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"pgbench printed no tps line:\n{output}");

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsPattern();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex LatencyPattern();
}
