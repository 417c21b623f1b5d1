using System.Globalization;
using Npgsql;

namespace KlmSocialPay.LoadDriver.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for one benchmark run: initdb into a temporary folder, postgres on a free
/// 127.0.0.1 port with the settings in <see cref="ServerSettings"/>, and the folder deleted on dispose.
/// As root, initdb, pg_ctl and pgbench run as the <c>postgres</c> system user, because initdb and postgres
/// refuse to run as root.
/// </summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    public const string SuperUser = "postgres";

    private const string InstallRoot = "/usr/lib/postgresql";

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(5);

    private readonly bool runAsPostgresUser = Environment.UserName == "root";
    private readonly string binDirectory;
    private readonly string rootDirectory;
    private bool running;

    private PostgresInstance(string binDirectory, string rootDirectory, int port)
    {
        this.binDirectory = binDirectory;
        this.rootDirectory = rootDirectory;
        Port = port;
    }

    /// <summary>
    /// Server settings chosen for a write-heavy benchmark on a 2-core, 24 GiB machine. Durability stays on
    /// (fsync, full page writes), but commits do not wait for the WAL flush, a common choice for write-heavy
    /// services. The WAL and checkpoint sizes keep checkpoints out of a one-minute run.
    /// </summary>
    public static IReadOnlyList<(string Name, string Value)> ServerSettings { get; } =
    [
        ("listen_addresses", "127.0.0.1"),
        ("max_connections", "200"),
        ("shared_buffers", "1GB"),
        ("effective_cache_size", "8GB"),
        ("synchronous_commit", "off"),
        ("wal_buffers", "16MB"),
        ("max_wal_size", "8GB"),
        ("checkpoint_timeout", "30min"),
        ("track_io_timing", "on"),
        ("log_lock_waits", "on"),
        ("shared_preload_libraries", "pg_stat_statements"),
    ];

    public int Port { get; }

    /// <summary>The version line of the server binary, such as "postgres (PostgreSQL) 15.18".</summary>
    public string Version { get; private set; } = "";

    public int? PostmasterPid => ReadPostmasterPid();

    private string DataDirectory => Path.Combine(rootDirectory, "data");

    private string LogFile => Path.Combine(rootDirectory, "postgres.log");

    public static async Task<PostgresInstance> StartAsync(string workDirectory, CancellationToken cancellationToken)
    {
        var instance = new PostgresInstance(FindBinDirectory(), Path.Combine(workDirectory, "postgres"), FreePort.Next());
        Directory.CreateDirectory(instance.rootDirectory);
        if (instance.runAsPostgresUser)
        {
            await ProcessRunner.RunAsync("chown", [$"{SuperUser}:{SuperUser}", instance.rootDirectory], ToolTimeout, cancellationToken);
        }

        instance.Version = (await instance.RunToolAsync("postgres", ["--version"], cancellationToken)).Trim();
        await instance.RunToolAsync("initdb", ["-D", instance.DataDirectory, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--locale=C"], cancellationToken);
        await instance.StartServerAsync(cancellationToken);
        return instance;
    }

    public string ConnectionString(string database, int? maxPoolSize = null)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = SuperUser,
            Database = database,
            Timeout = 15,
            CommandTimeout = 600,
        };
        if (maxPoolSize is { } size)
        {
            builder.MaxPoolSize = size;
        }

        return builder.ConnectionString;
    }

    /// <summary>Creates a database with the pg_stat_statements extension, which the measurements read.</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\";", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var database = new NpgsqlConnection(ConnectionString(name));
        await database.OpenAsync(cancellationToken);
        await using var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements;", database);
        await extension.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs pgbench against <paramref name="database"/> and returns its standard output.</summary>
    public Task<string> RunPgbenchAsync(string database, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunToolAsync("pgbench", ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", SuperUser, .. arguments, database], cancellationToken);

    /// <summary>Writes a file that the <c>postgres</c> user can read, for pgbench scripts.</summary>
    public async Task<string> WriteSharedFileAsync(string name, string content, CancellationToken cancellationToken)
    {
        var path = Path.Combine(rootDirectory, name);
        await File.WriteAllTextAsync(path, content, cancellationToken);
        if (runAsPostgresUser)
        {
            await ProcessRunner.RunAsync("chown", [$"{SuperUser}:{SuperUser}", path], ToolTimeout, cancellationToken);
        }

        return path;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (running)
            {
                NpgsqlConnection.ClearAllPools();
                await RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "60"], CancellationToken.None);
                running = false;
            }
        }
        finally
        {
            try
            {
                Directory.Delete(rootDirectory, recursive: true);
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"Could not delete the PostgreSQL folder {rootDirectory}: {ex.Message}");
            }
        }
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var options = string.Join(' ', ServerSettings.Select(setting => $"-c {setting.Name}={setting.Value}"))
            + $" -p {Port} -k {rootDirectory}";
        await RunToolAsync("pg_ctl", ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options], cancellationToken);
        running = true;

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private async Task<string> RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(binDirectory, tool);
        try
        {
            return runAsPostgresUser
                ? await ProcessRunner.RunAsync("runuser", ["-u", SuperUser, "--", path, .. arguments], ToolTimeout, cancellationToken, rootDirectory)
                : await ProcessRunner.RunAsync(path, arguments, ToolTimeout, cancellationToken, rootDirectory);
        }
        catch (InvalidOperationException ex) when (File.Exists(LogFile))
        {
            var tail = string.Join('\n', File.ReadLines(LogFile).TakeLast(15));
            throw new InvalidOperationException($"{ex.Message}\nServer log (last lines):\n{tail}", ex);
        }
    }

    private int? ReadPostmasterPid()
    {
        var path = Path.Combine(DataDirectory, "postmaster.pid");
        try
        {
            var firstLine = File.ReadLines(path).FirstOrDefault();
            return int.TryParse(firstLine, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    // The newest installed major version that has the server binaries.
    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists(InstallRoot)
            ? Directory.GetDirectories(InstallRoot)
                .Select(directory => Path.Combine(directory, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pgbench")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .ToList()
            : [];

        return candidates.FirstOrDefault() ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, pg_ctl, postgres, pgbench) were not found in {InstallRoot}/*/bin. Install them with 'apt-get install postgresql'.");
    }
}
