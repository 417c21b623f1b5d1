using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace KlmSocialPay.Silo.Storage;

/// <summary>
/// Opens SQLite connections with the per-connection settings that Orleans' own connection factory
/// cannot apply. Orleans ADO.NET providers accept a <see cref="DbDataSource"/> in place of a
/// connection string, and this one is handed to all of them.
/// </summary>
internal sealed class SqliteDataSource(string connectionString) : DbDataSource
{
    /// <summary>
    /// How long SQLite itself waits for another connection's write lock before it reports
    /// SQLITE_BUSY. Without it, Microsoft.Data.Sqlite (10.0.15, SqliteDataReader) retries a busy
    /// statement after 150 ms sleeps, so every grain write that meets a lock waits at least 150 ms.
    /// </summary>
    public const int BusyTimeoutMilliseconds = 5000;

    // synchronous=NORMAL is durable against application crashes in WAL mode, but a power loss can
    // drop the last commits. The SQLite provider is the embedded single-machine default and
    // PostgreSQL carries production data, so the faster setting is chosen here.
    private static readonly string ConnectionSetup =
        $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;";

    public override string ConnectionString => connectionString;

    protected override DbConnection CreateDbConnection() => new SqliteConnection(connectionString);

    protected override DbConnection OpenDbConnection()
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();

            using var command = connection.CreateCommand();
            command.CommandText = ConnectionSetup;
            command.ExecuteNonQuery();

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // Microsoft.Data.Sqlite keeps pooled connections, and so the database file, open until their
    // pool is cleared. Clearing it on dispose releases the file when the silo stops.
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ClearPool();
        }

        base.Dispose(disposing);
    }

    protected override ValueTask DisposeAsyncCore()
    {
        ClearPool();
        return base.DisposeAsyncCore();
    }

    protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            await using var command = connection.CreateCommand();
            command.CommandText = ConnectionSetup;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void ClearPool()
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
