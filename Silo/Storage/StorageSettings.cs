using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace KlmSocialPay.Silo.Storage;

/// <summary>
/// The validated "Storage" configuration section, with the connection string the silo opens.
/// </summary>
internal sealed record StorageSettings(StorageProvider Provider, string ConnectionString)
{
    public const string SectionName = "Storage";

    public const string SqliteFileName = "klmsocialpay.db";

    /// <summary>
    /// Pool size used when the configured PostgreSQL connection string sets none. Npgsql defaults to
    /// 100, which equals PostgreSQL's default max_connections, so one silo could take every server
    /// connection. Grain storage, reminders and clustering share one pool per silo, and 64
    /// concurrent commands leave room for migrations, psql and a second process. With several silos,
    /// set "Maximum Pool Size" in the connection string so that silos × pool size stays below
    /// max_connections.
    /// </summary>
    public const int DefaultPostgreSqlMaxPoolSize = 64;

    /// <summary>
    /// Reads and validates the "Storage" section. DataDirectory is resolved against
    /// <paramref name="contentRootPath"/> unless it is absolute.
    /// </summary>
    /// <exception cref="InvalidOperationException">A value is missing or invalid. The message names the key.</exception>
    public static StorageSettings FromConfiguration(IConfiguration storageSection, string contentRootPath)
    {
        var provider = ParseProvider(storageSection["Provider"]);

        return provider switch
        {
            StorageProvider.Sqlite => ForSqlite(storageSection["DataDirectory"], contentRootPath),
            StorageProvider.PostgreSql => ForPostgreSql(storageSection["ConnectionString"]),
            _ => throw new InvalidOperationException($"{SectionName}:Provider '{provider}' is not supported."),
        };
    }

    /// <summary>The full path of the SQLite file, or null for PostgreSQL.</summary>
    public string? SqliteFilePath =>
        Provider == StorageProvider.Sqlite ? new SqliteConnectionStringBuilder(ConnectionString).DataSource : null;

    private static StorageProvider ParseProvider(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return StorageProvider.Sqlite;
        }

        if (Enum.TryParse<StorageProvider>(value.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider))
        {
            return provider;
        }

        throw new InvalidOperationException(
            $"{SectionName}:Provider '{value}' is invalid. Use '{StorageProvider.Sqlite}' or '{StorageProvider.PostgreSql}'.");
    }

    private static StorageSettings ForSqlite(string? dataDirectory, string contentRootPath)
    {
        var directory = string.IsNullOrWhiteSpace(dataDirectory) ? "data" : dataDirectory.Trim();
        var fullDirectory = Path.GetFullPath(Path.IsPathRooted(directory) ? directory : Path.Combine(contentRootPath, directory));

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(fullDirectory, SqliteFileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        };

        return new StorageSettings(StorageProvider.Sqlite, builder.ConnectionString);
    }

    private static StorageSettings ForPostgreSql(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"{SectionName}:ConnectionString is missing. {SectionName}:Provider is '{StorageProvider.PostgreSql}', " +
                "which needs a PostgreSQL connection string such as 'Host=db;Database=klmsocialpay;Username=klm;Password=...'.");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The exception text can quote the connection string, password included, so it is not passed on.
            throw new InvalidOperationException(
                $"{SectionName}:ConnectionString is not a valid PostgreSQL connection string ({ex.GetType().Name}).");
        }

        if (!SetsMaxPoolSize(connectionString))
        {
            builder.MaxPoolSize = DefaultPostgreSqlMaxPoolSize;
        }

        return new StorageSettings(StorageProvider.PostgreSql, builder.ConnectionString);
    }

    // Npgsql accepts "Maximum Pool Size", "Max Pool Size" and "MaxPoolSize" for the same setting.
    private static bool SetsMaxPoolSize(string connectionString)
    {
        var parsed = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };

        foreach (string key in parsed.Keys)
        {
            var normalized = key.Replace(" ", "", StringComparison.Ordinal);
            if (normalized.Equals("MaximumPoolSize", StringComparison.OrdinalIgnoreCase)
                || normalized.Equals("MaxPoolSize", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
