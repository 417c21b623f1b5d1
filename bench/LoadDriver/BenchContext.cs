using KlmSocialPay.LoadDriver.Infrastructure;
using KlmSocialPay.LoadDriver.Measurement;
using KlmSocialPay.LoadDriver.Product;

namespace KlmSocialPay.LoadDriver;

/// <summary>What every scenario shares: the options, the database server, the running silo and its client.</summary>
public sealed class BenchContext(
    DriverOptions options, PostgresInstance postgres, string productDatabase, string siloDll, string workDirectory,
    IReadOnlyList<string> agentKeys, IReadOnlyDictionary<string, string> agentSettings, CancellationToken cancellationToken)
{
    public DriverOptions Options => options;

    public PostgresInstance Postgres => postgres;

    public string ProductDatabase { get; private set; } = productDatabase;

    public string ProductConnectionString => postgres.ConnectionString(ProductDatabase, maxPoolSize: 4);

    public IReadOnlyList<string> AgentKeys => agentKeys;

    public CancellationToken CancellationToken => cancellationToken;

    public SiloProcess Silo { get; private set; } = null!;

    public ProductClient Client { get; private set; } = null!;

    /// <summary>Product state writes per second measured in scenario B, for scenario C's comparison.</summary>
    public double? ProductStateWritesPerSecond { get; set; }

    public string? ProductStateWritesSource { get; set; }

    /// <summary>Starts a new silo process on the product database (the first one, or after <see cref="StopSiloAsync"/>).</summary>
    public async Task StartSiloAsync()
    {
        // The silo's own pool keeps the product's default size (64) unless --storage-options sets one.
        var connectionString = postgres.ConnectionString(ProductDatabase);
        if (!string.IsNullOrWhiteSpace(options.StorageOptions))
        {
            connectionString += ";" + options.StorageOptions;
        }

        Silo = SiloProcess.Create(siloDll, connectionString, agentSettings, options.SiloSettings, workDirectory);
        await Silo.StartAsync(cancellationToken);
        Progress($"Silo ready: pid {Silo.ProcessId} on {Silo.BaseAddress}, database {ProductDatabase}, log {Silo.LogFile}");
        Client = new ProductClient(Silo.BaseAddress, new WebhookPayloads(SiloProcess.MetaAppSecret, SiloProcess.StripeWebhookSecret));
    }

    /// <summary>Restarts the silo on a new, empty database, so a scenario starts from no stored state.</summary>
    public async Task RestartOnNewDatabaseAsync(string database)
    {
        await StopSiloAsync();
        await postgres.CreateDatabaseAsync(database, cancellationToken);
        ProductDatabase = database;
        await StartSiloAsync();
    }

    public async Task StopSiloAsync()
    {
        Client?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> with the CPU split, the storage write counters and the PostgreSQL wait
    /// events measured around it.
    /// </summary>
    public async Task<MeasuredWindow> Measure(Func<Task<RunWindow>> run)
    {
        var before = await StorageStatistics.SnapshotAsync(ProductConnectionString, cancellationToken);
        var cpu = new CpuSplit(() => Silo.ProcessId, () => postgres.PostmasterPid);
        await using var waits = WaitEventSampler.Start(ProductConnectionString, ProductDatabase);
        cpu.Start();
        var window = await run();
        cpu.Stop();
        var waitEvents = await waits.StopAsync();
        var after = await StorageStatistics.SnapshotAsync(ProductConnectionString, cancellationToken);
        var memory = Silo.ReadMemory();
        return new MeasuredWindow(window, cpu, before, after, waitEvents, memory.Rss);
    }

    /// <summary>Prints a line to the console with the time, so a long run shows progress.</summary>
    public static void Progress(string message) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}

/// <summary>A measured run with what the machine and the database did meanwhile.</summary>
public sealed record MeasuredWindow(
    RunWindow Run, CpuSplit Cpu, StorageSnapshot Before, StorageSnapshot After,
    IReadOnlyList<(string WaitEvent, double ActiveBackends)> WaitEvents, long SiloRss)
{
    public StorageActivity Storage { get; } = new(After.Since(Before));

    /// <summary>Adds the CPU split, the storage statements and the wait events to <paramref name="report"/>.</summary>
    public void Describe(ScenarioReport report, TimeSpan rateWindow)
    {
        foreach (var line in Cpu.Describe())
        {
            report.Note(line);
        }

        var seconds = rateWindow.TotalSeconds;
        report.Note(
            $"Grain state rows written: {ScenarioReport.Count(Storage.GrainStateWrites)} ({Storage.GrainStateWrites / seconds:N0}/s); " +
            $"grain state reads: {ScenarioReport.Count(Storage.GrainStateReads)}; reminder rows written or deleted: {ScenarioReport.Count(Storage.ReminderWrites)} " +
            $"({Storage.ReminderWrites / seconds:N0}/s); all statements: {ScenarioReport.Count(Storage.Calls)} " +
            $"({Storage.Calls / seconds:N0}/s) taking {Storage.ExecutionMilliseconds / 1000:N1} s of execution in PostgreSQL (pg_stat_statements).");
        report.Table("Statements by total execution time (pg_stat_statements, this window):",
            ["statement", "calls", "rows", "mean ms", "total s"],
            Storage.Statements.OrderByDescending(s => s.TotalMilliseconds).Take(6).Select(s => new[]
            {
                "`" + s.ShortQuery(70).Replace("|", "\\|", StringComparison.Ordinal) + "`",
                ScenarioReport.Count(s.Calls), ScenarioReport.Count(s.Rows),
                ScenarioReport.Number(s.TotalMilliseconds / Math.Max(1, s.Calls), 3), ScenarioReport.Number(s.TotalMilliseconds / 1000, 1),
            }));
        if (WaitEvents.Count > 0)
        {
            report.Note("PostgreSQL backends of the product database that were active, average per 100 ms sample, by wait event: " +
                string.Join(", ", WaitEvents.Take(8).Select(w => $"{w.WaitEvent} {w.ActiveBackends:0.00}")) + ".");
        }

        report.Note($"Silo resident memory at the end: {ScenarioReport.Megabytes(SiloRss)}.");
        if (Run.NotStarted > 0)
        {
            report.Note($"{Run.NotStarted:N0} scheduled calls never started: every open slot was still busy when the duration ran out.");
        }

        if (Run.Exceptions > 0)
        {
            report.Note($"{Run.Exceptions:N0} calls threw in the driver; the first: {Run.FirstException}");
        }

        if (!Run.Drained)
        {
            report.Note($"Calls still open {LoadRunner.DrainLimit.TotalSeconds:0} s after the last start were abandoned.");
        }
    }
}
