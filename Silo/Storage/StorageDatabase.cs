using System.Data.Common;
using Npgsql;

namespace KlmSocialPay.Silo.Storage;

/// <summary>
/// The one database of a silo: its provider, the ADO.NET invariant Orleans needs and the shared
/// connection pool. Orleans grain storage, reminders, clustering, the schema installer and the
/// storage probe all open connections here. The silo's service provider owns and disposes it.
/// </summary>
internal sealed class StorageDatabase : IDisposable, IAsyncDisposable
{
    /// <summary>
    /// Orleans' invariant name for SQLite. Orleans maps it to Microsoft.Data.Sqlite's SqliteFactory
    /// by assembly name (DbConnectionFactory in Orleans' ADO.NET shared sources).
    /// </summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>Orleans' invariant name for PostgreSQL through Npgsql.</summary>
    public const string PostgreSqlInvariant = "Npgsql";

    public StorageDatabase(StorageSettings settings)
    {
        Provider = settings.Provider;

        if (settings.Provider == StorageProvider.Sqlite)
        {
            var directory = Path.GetDirectoryName(settings.SqliteFilePath)
                ?? throw new InvalidOperationException("The SQLite file path has no directory.");
            Directory.CreateDirectory(directory);

            Invariant = SqliteInvariant;
            DataSource = new SqliteDataSource(settings.ConnectionString);
        }
        else
        {
            Invariant = PostgreSqlInvariant;
            DataSource = NpgsqlDataSource.Create(settings.ConnectionString);
        }
    }

    public StorageProvider Provider { get; }

    public string Invariant { get; }

    public DbDataSource DataSource { get; }

    public void Dispose() => DataSource.Dispose();

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
