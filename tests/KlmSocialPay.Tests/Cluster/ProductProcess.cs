using System.Diagnostics;

namespace KlmSocialPay.Tests.Cluster;

/// <summary>
/// One product process started as <c>dotnet KlmSocialPay.Silo.dll</c> from the test's output folder, configured
/// only through environment variables. It keeps the last lines of its console output for failure messages.
/// </summary>
internal sealed class ProductProcess : IDisposable
{
    private const int KeptOutputLines = 300;

    private readonly Process process;
    private readonly Queue<string> output = new();
    private bool disposed;

    private ProductProcess(string name, int httpPort, Process process)
    {
        Name = name;
        HttpPort = httpPort;
        this.process = process;
    }

    public string Name { get; }

    public int HttpPort { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    public bool HasExited => process.HasExited;

    /// <summary>Starts the product from the folder that holds the Silo assembly this test project references.</summary>
    public static ProductProcess Start(string name, int httpPort, IReadOnlyDictionary<string, string> settings)
    {
        var siloAssembly = typeof(Program).Assembly.Location;
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(siloAssembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(siloAssembly);

        // Host settings inherited from the test runner are dropped, so only the test's own settings apply.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
        {
            startInfo.Environment.Remove(inherited);
        }

        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        startInfo.Environment["Urls"] = $"http://127.0.0.1:{httpPort}";
        foreach (var (key, value) in settings)
        {
            startInfo.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var started = new ProductProcess(name, httpPort, process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {name}: dotnet {siloAssembly}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Sends SIGKILL, so the process gets no chance to leave the cluster or close its connections.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(10_000);
        }
    }

    /// <summary>Polls <c>/health/ready</c> until it returns 200, or throws with the process's output.</summary>
    public async Task WaitUntilReadyAsync(HttpClient client, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} before it was ready.\n{OutputTail()}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(BaseAddress, "/health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Kestrel is not listening yet.
            }
            catch (TaskCanceledException)
            {
                // The health check itself timed out, for example while the silo joins.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds} s.\n{OutputTail()}");
            }

            await Task.Delay(250);
        }
    }

    public string OutputTail()
    {
        lock (output)
        {
            return $"--- last {output.Count} output lines of {Name} ---\n" + string.Join('\n', output);
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Kill();
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Enqueue(line);
            if (output.Count > KeptOutputLines)
            {
                output.Dequeue();
            }
        }
    }
}
