using System.Diagnostics;
using System.Globalization;

namespace KlmSocialPay.LoadDriver.Infrastructure;

/// <summary>
/// The product as a separate process: the Silo published in Release and started with <c>dotnet</c>, on
/// PostgreSQL, with the sandbox on, on free 127.0.0.1 ports, logging at Warning. Its output goes to a
/// log file in the work folder.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    public const string MetaAppSecret = "sandbox-meta-app-secret";
    public const string StripeWebhookSecret = "whsec_sandbox";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string siloDll;
    private readonly Dictionary<string, string> environment;
    private readonly string logFile;
    private Process? process;
    private StreamWriter? log;

    private SiloProcess(string siloDll, Dictionary<string, string> environment, int port, string logFile)
    {
        this.siloDll = siloDll;
        this.environment = environment;
        this.logFile = logFile;
        Port = port;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public int ProcessId => process?.Id ?? throw new InvalidOperationException("The silo is not running.");

    public string LogFile => logFile;

    /// <summary>The environment variables the silo runs with, for the record.</summary>
    public IReadOnlyDictionary<string, string> Environment => environment;

    /// <summary>Publishes <c>Silo/Silo.csproj</c> of <paramref name="sourceRoot"/> in Release into <paramref name="outputDirectory"/>.</summary>
    public static async Task<string> PublishAsync(string sourceRoot, string outputDirectory, CancellationToken cancellationToken)
    {
        var project = Path.Combine(sourceRoot, "Silo", "Silo.csproj");
        if (!File.Exists(project))
        {
            throw new InvalidOperationException($"{project} does not exist. Pass --source with the repository root.");
        }

        await ProcessRunner.RunAsync(
            "dotnet", ["publish", project, "-c", "Release", "-o", outputDirectory, "--nologo", "-v", "quiet"],
            TimeSpan.FromMinutes(10), cancellationToken, sourceRoot);
        return Path.Combine(outputDirectory, "KlmSocialPay.Silo.dll");
    }

    /// <summary>
    /// Prepares a silo on <paramref name="connectionString"/>. <paramref name="agentKeys"/> become
    /// <c>Agents:Keys</c>, and <paramref name="extraSettings"/> are added as configuration keys.
    /// </summary>
    public static SiloProcess Create(
        string siloDll, string connectionString, IReadOnlyDictionary<string, string> agentKeys,
        IReadOnlyDictionary<string, string> extraSettings, string workDirectory)
    {
        var port = FreePort.Next();
        var baseUrl = $"http://127.0.0.1:{port}";
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // The sandbox runs only in Development; the build is still Release.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Urls"] = baseUrl,
            ["Serilog:MinimumLevel"] = "Warning",
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = connectionString,
            ["Orleans:ClusterId"] = $"bench-{port}",
            ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
            ["Stripe:ApiBase"] = $"{baseUrl}/sandbox/stripe",
            ["Stripe:SuccessUrl"] = $"{baseUrl}/sandbox/stripe/done",
            ["Stripe:CancelUrl"] = $"{baseUrl}/sandbox/stripe/done",
            ["Messenger:GraphApiBase"] = $"{baseUrl}/sandbox/meta",
            ["X:ApiBase"] = $"{baseUrl}/sandbox/x",
            ["WhatsApp:GraphApiBase"] = $"{baseUrl}/sandbox/whatsapp",
            ["Sandbox:Enabled"] = "true",
            ["Sandbox:PublicBaseUrl"] = baseUrl,

            // The driver posts the signed Stripe events itself, so the sandbox delivers none.
            ["Sandbox:Stripe:WebhookUrl"] = "",
            ["Sandbox:Meta:WebhookUrl"] = $"{baseUrl}/webhooks/messenger",
            ["Sandbox:X:WebhookUrl"] = $"{baseUrl}/webhooks/x",
            ["Sandbox:WhatsApp:WebhookUrl"] = $"{baseUrl}/webhooks/whatsapp",
        };
        foreach (var (agentId, key) in agentKeys)
        {
            settings[$"Agents:Keys:{agentId}"] = key;
        }

        foreach (var (key, value) in extraSettings)
        {
            settings[key] = value;
        }

        var environment = settings.ToDictionary(pair => pair.Key.Replace(":", "__", StringComparison.Ordinal), pair => pair.Value, StringComparer.Ordinal);
        return new SiloProcess(siloDll, environment, port, Path.Combine(workDirectory, $"silo-{port}.log"));
    }

    /// <summary>Starts the process and waits until <c>/health/ready</c> answers 200.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(siloDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(siloDll);
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start the silo.");
        process.OutputDataReceived += (_, e) => WriteLog(e.Data);
        process.ErrorDataReceived += (_, e) => WriteLog(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The silo exited with code {process.ExitCode} before it was ready. See {logFile}.");
            }

            try
            {
                using var response = await client.GetAsync("/health/ready", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The silo was not ready within {ReadyTimeout.TotalSeconds:0} s. See {logFile}.");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Stops the process with SIGTERM, as a service manager does, and kills it after <see cref="StopTimeout"/>.</summary>
    public async Task StopAsync()
    {
        if (process is null || process.HasExited)
        {
            return;
        }

        await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10), CancellationToken.None);
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"The silo did not stop within {StopTimeout.TotalSeconds:0} s after SIGTERM; killing it.");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Resident set size (VmRSS) and its peak (VmHWM) of the silo process, in bytes.</summary>
    public (long Rss, long Peak) ReadMemory() => ProcFs.ReadMemory(ProcessId);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process?.Dispose();
        if (log is not null)
        {
            await log.DisposeAsync();
        }
    }

    private void WriteLog(string? line)
    {
        if (line is null || log is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
