using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace KlmSocialPay.Tests.Infrastructure;

/// <summary>
/// The xunit collection whose test classes share one <see cref="PostgresServer"/>. Put
/// <c>[Collection(PostgresCollection.Name)]</c> on a test class and take the server in its constructor.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>
/// A throwaway PostgreSQL server: initdb into a temporary folder, postgres on a free 127.0.0.1 port
/// with fsync off, and everything deleted on dispose. When the tests run as root, the server runs
/// as the <c>postgres</c> system user through <c>runuser</c>, because initdb and postgres refuse root.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string SuperUser = "postgres";
    private const string PostgresInstallRoot = "/usr/lib/postgresql";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AcceptTimeout = TimeSpan.FromSeconds(30);

    private readonly bool runAsPostgresUser = Environment.UserName == "root";
    private string? binDirectory;
    private string? rootDirectory;
    private int databaseCounter;

    /// <summary>The TCP port on 127.0.0.1. It stays the same across <see cref="StopAsync"/> and <see cref="StartAsync"/>.</summary>
    public int Port { get; private set; }

    public bool IsRunning { get; private set; }

    private string RootDirectory => rootDirectory ?? throw new InvalidOperationException("The PostgreSQL server is not initialized.");

    private string DataDirectory => Path.Combine(RootDirectory, "data");

    private string LogFile => Path.Combine(RootDirectory, "postgres.log");

    public async Task InitializeAsync()
    {
        binDirectory = FindBinDirectory();
        rootDirectory = Path.Combine(Path.GetTempPath(), "klm-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(rootDirectory);

        if (runAsPostgresUser)
        {
            await RunAsync("chown", [$"{SuperUser}:{SuperUser}", rootDirectory], asPostgresUser: false);
        }

        await RunToolAsync("initdb", "-D", DataDirectory, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync");

        Port = GetFreePort();
        await StartAsync();
    }

    /// <summary>Starts the server on <see cref="Port"/> and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var serverOptions = $"-c listen_addresses=127.0.0.1 -p {Port} -k {RootDirectory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        await RunToolAsync("pg_ctl", "start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "30", "-o", serverOptions);
        IsRunning = true;

        await WaitUntilAcceptingAsync();
    }

    /// <summary>Stops the server with a fast shutdown. The data folder stays, so <see cref="StartAsync"/> resumes it.</summary>
    public async Task StopAsync()
    {
        if (!IsRunning)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await RunToolAsync("pg_ctl", "stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30");
        IsRunning = false;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    /// <param name="name">A readable prefix. A counter is appended, so every call gets a new database.</param>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        var databaseName = ToDatabaseName(name, Interlocked.Increment(ref databaseCounter));

        await using (var connection = new NpgsqlConnection(ConnectionString(SuperUser, pooling: false)))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{databaseName}\";";
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString(databaseName, pooling: true);
    }

    public async Task DisposeAsync()
    {
        if (rootDirectory is null)
        {
            return;
        }

        try
        {
            if (IsRunning)
            {
                NpgsqlConnection.ClearAllPools();
                await RunToolAsync("pg_ctl", "stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30");
                IsRunning = false;
            }
        }
        finally
        {
            Directory.Delete(rootDirectory, recursive: true);
        }
    }

    private string ConnectionString(string database, bool pooling) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = SuperUser,
            Database = database,
            Pooling = pooling,
            Timeout = 5,
        }.ConnectionString;

    private async Task WaitUntilAcceptingAsync()
    {
        var deadline = DateTime.UtcNow + AcceptTimeout;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString(SuperUser, pooling: false));
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (NpgsqlException ex)
            {
                throw new TimeoutException(
                    $"PostgreSQL on 127.0.0.1:{Port} did not accept connections within {AcceptTimeout.TotalSeconds} s. Server log:\n{ReadLogTail()}",
                    ex);
            }
        }
    }

    private Task RunToolAsync(string tool, params string[] arguments) =>
        RunAsync(Path.Combine(binDirectory!, tool), arguments, runAsPostgresUser);

    private async Task RunAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgresUser)
    {
        var startInfo = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = rootDirectory ?? Path.GetTempPath(),
        };

        if (asPostgresUser)
        {
            startInfo.FileName = "runuser";
            foreach (var argument in (string[])["-u", SuperUser, "--", fileName])
            {
                startInfo.ArgumentList.Add(argument);
            }
        }
        else
        {
            startInfo.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");

        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => AppendLine(output, e.Data);
        process.ErrorDataReceived += (_, e) => AppendLine(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{Path.GetFileName(fileName)} {string.Join(' ', arguments)}' did not finish within {CommandTimeout.TotalSeconds} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{Path.GetFileName(fileName)} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}:\n{Snapshot(output)}\nServer log:\n{ReadLogTail()}");
        }
    }

    private static void AppendLine(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private string ReadLogTail()
    {
        try
        {
            var lines = File.ReadAllLines(LogFile);
            return string.Join('\n', lines.TakeLast(20));
        }
        catch (IOException)
        {
            return "(no server log)";
        }
        catch (InvalidOperationException)
        {
            return "(no server log)";
        }
    }

    // Picks the newest installed major version that has the server binaries.
    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists(PostgresInstallRoot)
            ? Directory.GetDirectories(PostgresInstallRoot)
                .Select(directory => (Directory: Path.Combine(directory, "bin"), Version: ParseVersion(Path.GetFileName(directory))))
                .Where(candidate => File.Exists(Path.Combine(candidate.Directory, "initdb"))
                    && File.Exists(Path.Combine(candidate.Directory, "pg_ctl"))
                    && File.Exists(Path.Combine(candidate.Directory, "postgres")))
                .OrderByDescending(candidate => candidate.Version)
                .ToList()
            : [];

        if (candidates.Count == 0)
        {
            throw new InvalidOperationException(
                $"PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in {PostgresInstallRoot}/*/bin. " +
                "Install the server package, e.g. 'apt-get install postgresql', then run the tests again.");
        }

        return candidates[0].Directory;
    }

    private static Version ParseVersion(string text) =>
        Version.TryParse(text.Contains('.') ? text : text + ".0", out var version) ? version : new Version(0, 0);

    private static string ToDatabaseName(string name, int counter)
    {
        var cleaned = new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        var prefix = cleaned.Length > 50 ? cleaned[..50] : cleaned;
        return $"{prefix}_{counter}";
    }

    private static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
