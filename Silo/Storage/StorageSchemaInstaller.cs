using System.Data.Common;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KlmSocialPay.Silo.Storage;

/// <summary>
/// Creates or updates the Orleans tables and OrleansQuery rows before the silo starts.
/// </summary>
/// <remarks>
/// The scripts are embedded resources under Storage/Scripts/{provider}/, applied in file name
/// order. Each script is idempotent on its own. The table KlmSchemaScripts records the SHA-256 of
/// every applied script, so a script runs again only when its text changed. The whole run is one
/// transaction under an exclusive lock (PostgreSQL advisory lock, SQLite BEGIN IMMEDIATE), so two
/// processes starting at once apply each script once and the second one waits for the first.
/// </remarks>
internal sealed partial class StorageSchemaInstaller(StorageDatabase database, ILogger<StorageSchemaInstaller> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Key of the PostgreSQL advisory lock that serializes schema installs on one database.</summary>
    public const long PostgreSqlAdvisoryLockKey = 0x4B4C4D_5343484D; // the ASCII bytes of "KLMSCHM"

    private const string ResourcePrefix = "KlmSocialPay.Silo.Storage.Scripts.";

    public void Participate(ISiloLifecycle lifecycle)
    {
        // First stage: membership, reminders and grain storage read OrleansQuery in later stages.
        lifecycle.Subscribe(nameof(StorageSchemaInstaller), ServiceLifecycleStage.First, cancellationToken => InstallAsync(cancellationToken));
    }

    /// <summary>Applies every script that is new or changed since the last run.</summary>
    /// <returns>The number of scripts applied, 0 when the schema was already current.</returns>
    public async Task<int> InstallAsync(CancellationToken cancellationToken)
    {
        var scripts = LoadScripts(database.Provider);

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        if (database.Provider == StorageProvider.Sqlite)
        {
            await EnableWriteAheadLogAsync((SqliteConnection)connection, cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = await BeginExclusiveAsync(connection, cancellationToken).ConfigureAwait(false);

        await ExecuteAsync(connection, transaction, CreateScriptTableSql, cancellationToken).ConfigureAwait(false);
        var applied = await ReadAppliedScriptsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        var appliedCount = 0;
        foreach (var script in scripts)
        {
            if (applied.TryGetValue(script.Name, out var hash) && hash == script.Sha256)
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, script.Text, cancellationToken).ConfigureAwait(false);
            await RecordScriptAsync(connection, transaction, script, cancellationToken).ConfigureAwait(false);
            appliedCount++;

            LogScriptApplied(script.Name, database.Provider);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        LogSchemaCurrent(database.Provider, appliedCount, scripts.Count);
        return appliedCount;
    }

    /// <summary>Reads the embedded scripts of one provider, ordered by file name.</summary>
    internal static IReadOnlyList<SchemaScript> LoadScripts(StorageProvider provider)
    {
        var assembly = typeof(StorageSchemaInstaller).Assembly;
        var prefix = ResourcePrefix + provider + ".";

        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => SchemaScript.Load(assembly, name, name[prefix.Length..]))
            .ToList();

        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No schema scripts are embedded under '{prefix}'. Check the EmbeddedResource item in Silo.csproj.");
        }

        return scripts;
    }

    private string CreateScriptTableSql => database.Provider == StorageProvider.Sqlite
        ? """
          CREATE TABLE IF NOT EXISTS KlmSchemaScripts
          (
              ScriptName TEXT NOT NULL PRIMARY KEY,
              Sha256     TEXT NOT NULL,
              AppliedOn  TEXT NOT NULL
          );
          """
        : """
          CREATE TABLE IF NOT EXISTS KlmSchemaScripts
          (
              ScriptName varchar(200) NOT NULL PRIMARY KEY,
              Sha256     char(64)     NOT NULL,
              AppliedOn  timestamptz  NOT NULL
          );
          """;

    // journal_mode=WAL is stored in the database file, so setting it once covers every later
    // connection. It cannot change inside a transaction, hence before BEGIN.
    private static async Task EnableWriteAheadLogAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        var mode = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);

        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"SQLite did not switch '{connection.DataSource}' to WAL journal mode and reports '{mode}'. Check that the folder is writable and on a local file system.");
        }
    }

    private async Task<DbTransaction> BeginExclusiveAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (connection is SqliteConnection sqlite)
        {
            // BEGIN IMMEDIATE takes the write lock at once. A second installer waits for it in busy_timeout.
            return sqlite.BeginTransaction(deferred: false);
        }

        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT pg_advisory_xact_lock(@key);";
            command.Parameters.Add(new NpgsqlParameter<long>("key", PostgreSqlAdvisoryLockKey));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<Dictionary<string, string>> ReadAppliedScriptsAsync(
        DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT ScriptName, Sha256 FROM KlmSchemaScripts;";

        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied[reader.GetString(0)] = reader.GetString(1).Trim();
        }

        return applied;
    }

    private async Task RecordScriptAsync(
        DbConnection connection, DbTransaction transaction, SchemaScript script, CancellationToken cancellationToken)
    {
        var now = database.Provider == StorageProvider.Sqlite ? "CURRENT_TIMESTAMP" : "now()";

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            $"""
            INSERT INTO KlmSchemaScripts (ScriptName, Sha256, AppliedOn)
            VALUES (@name, @sha256, {now})
            ON CONFLICT (ScriptName) DO UPDATE SET Sha256 = excluded.Sha256, AppliedOn = excluded.AppliedOn;
            """;

        AddParameter(command, "name", script.Name);
        AddParameter(command, "sha256", script.Sha256);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddParameter(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied storage schema script {ScriptName} on {StorageProvider}")]
    private partial void LogScriptApplied(string scriptName, StorageProvider storageProvider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage schema on {StorageProvider} is current: {AppliedCount} of {ScriptCount} scripts applied in this run")]
    private partial void LogSchemaCurrent(StorageProvider storageProvider, int appliedCount, int scriptCount);
}

/// <summary>One embedded schema script with the SHA-256 of its text.</summary>
internal sealed record SchemaScript(string Name, string Text, string Sha256)
{
    public static SchemaScript Load(Assembly assembly, string resourceName, string scriptName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded schema script '{resourceName}' is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return new SchemaScript(scriptName, text, hash);
    }
}
