namespace KlmSocialPay.Silo.Storage;

/// <summary>The database engine behind grain state, reminders and (for PostgreSQL) cluster membership.</summary>
public enum StorageProvider
{
    /// <summary>One embedded SQLite file. The silo uses localhost clustering, so it runs as a single silo.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server that several silos can share, with ADO.NET clustering.</summary>
    PostgreSql,
}
