using System.Globalization;
using System.Text;
using KlmSocialPay.LoadDriver.Infrastructure;
using KlmSocialPay.LoadDriver.Measurement;
using KlmSocialPay.LoadDriver.Scenarios;

namespace KlmSocialPay.LoadDriver;

/// <summary>
/// Entry point of the load driver: publishes and starts the product on a throwaway PostgreSQL, runs the
/// chosen scenarios, and prints each scenario's tables and writes them to a Markdown file.
/// </summary>
public static class LoadDriverProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(DriverOptions.Usage);
            return 0;
        }

        DriverOptions options;
        try
        {
            options = DriverOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(options.MaxMinutes));
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        try
        {
            await RunAsync(options, cancellation.Token);
            return 0;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"The run was stopped: Ctrl+C or the limit of {options.MaxMinutes:0} minutes (--max-minutes).");
            return 3;
        }
    }

    private static async Task RunAsync(DriverOptions options, CancellationToken cancellationToken)
    {
        var workDirectory = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "klm-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(workDirectory);
        var results = new StringBuilder();
        results.AppendLine($"# KlmSocialPay load driver results, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC").AppendLine();
        results.AppendLine($"Command: `{string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Prepend("KlmSocialPay.LoadDriver"))}`").AppendLine();

        try
        {
            var siloDll = options.SiloDll ?? await Publish(options, workDirectory, cancellationToken);

            BenchContext.Progress("Starting PostgreSQL");
            await using var postgres = await PostgresInstance.StartAsync(workDirectory, cancellationToken);
            await postgres.CreateDatabaseAsync("klmsocialpay", cancellationToken);

            var agents = Enumerable.Range(1, options.Agents)
                .Select(i => (Id: $"bench-agent-{i:D3}", Key: $"bench-key-{i:D3}-{Guid.NewGuid():N}"))
                .ToList();
            var context = new BenchContext(options, postgres, "klmsocialpay", siloDll, workDirectory,
                [.. agents.Select(agent => agent.Key)], agents.ToDictionary(agent => agent.Id, agent => agent.Key), cancellationToken);

            BenchContext.Progress("Starting the silo");
            await context.StartSiloAsync();
            results.Append(MachineDescription(postgres, context));
            await File.WriteAllTextAsync(options.Results, results.ToString(), cancellationToken);

            try
            {
                foreach (var scenario in PlanScenarios(options))
                {
                    BenchContext.Progress($"Scenario {scenario}; load average {ProcFs.ReadLoadAverage():0.00}");
                    var report = await RunScenario(scenario, context);
                    var markdown = report.ToMarkdown();
                    Console.WriteLine();
                    Console.WriteLine(markdown);
                    results.Append(markdown);
                    await File.WriteAllTextAsync(options.Results, results.ToString(), CancellationToken.None);
                }
            }
            finally
            {
                await context.StopSiloAsync();
            }

            BenchContext.Progress($"Results written to {Path.GetFullPath(options.Results)}");
        }
        finally
        {
            if (!options.Keep && options.WorkDirectory is null)
            {
                TryDelete(workDirectory);
            }
        }
    }

    /// <summary>The scenarios in the order given, with B put before C when C would otherwise have no B to compare with.</summary>
    private static List<string> PlanScenarios(DriverOptions options)
    {
        var planned = options.Scenarios.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var c = planned.IndexOf("C");
        var b = planned.IndexOf("B");
        if (c >= 0 && (b < 0 || b > c))
        {
            planned.Remove("B");
            planned.Insert(c, "B");
        }

        return planned;
    }

    private static Task<ScenarioReport> RunScenario(string scenario, BenchContext context) => scenario switch
    {
        "A" => InboundMessagesScenario.Run(context),
        "B" => PaidFlowsScenario.Run(context),
        "C" => PostgresLimitScenario.Run(context),
        "D" => MemoryScenario.Run(context),
        "E" => WeekReplayScenario.Run(context),
        _ => throw new ArgumentException($"Unknown scenario '{scenario}'. Use A, B, C, D or E."),
    };

    private static async Task<string> Publish(DriverOptions options, string workDirectory, CancellationToken cancellationToken)
    {
        var source = options.Source ?? FindRepositoryRoot();
        BenchContext.Progress($"Publishing the Silo from {source} in Release");
        return await SiloProcess.PublishAsync(source, Path.Combine(workDirectory, "silo"), cancellationToken);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KlmSocialPay.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("KlmSocialPay.sln was not found above the current folder. Pass --source with the repository root.");
    }

    private static string MachineDescription(PostgresInstance postgres, BenchContext context)
    {
        var cpuModel = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memory = File.ReadLines("/proc/meminfo").First(line => line.StartsWith("MemTotal", StringComparison.Ordinal));
        var text = new StringBuilder();
        text.AppendLine("## Machine and setup").AppendLine();
        text.AppendLine($"- {Environment.ProcessorCount} cores ({cpuModel}), {memory.Split(':')[1].Trim()} memory; load average at start {ProcFs.ReadLoadAverage():0.00}");
        text.AppendLine($"- .NET {Environment.Version}; {postgres.Version}");
        text.AppendLine($"- PostgreSQL settings: {string.Join(", ", PostgresInstance.ServerSettings.Select(s => $"{s.Name}={s.Value}"))}");
        text.AppendLine($"- Silo: {context.Silo.BaseAddress}, pid {context.Silo.ProcessId}, environment Development (the sandbox runs only there), Release build, " +
            $"Storage:Provider=PostgreSql, logging at Warning, sandbox Stripe webhook delivery off; {context.AgentKeys.Count} agent keys" +
            (context.Options.StorageOptions is { } storageOptions ? $"; storage connection string options: {storageOptions}" : "") +
            (context.Options.SiloSettings.Count > 0 ? "; extra silo settings: " + string.Join(", ", context.Options.SiloSettings.Select(s => $"{s.Key}={s.Value}")) : ""));
        text.AppendLine();
        return text.ToString();
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"Could not delete {directory}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            Console.Error.WriteLine($"Could not delete {directory}: {ex.Message}");
        }
    }
}
