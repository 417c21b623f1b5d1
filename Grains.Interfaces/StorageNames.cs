namespace KlmSocialPay.Grains;

/// <summary>
/// Names of the Orleans providers that grains use. The silo registers a provider under each name.
/// </summary>
public static class StorageNames
{
    /// <summary>The ADO.NET grain storage that holds every grain's state (SQLite by default, PostgreSQL in production).</summary>
    public const string Grains = "klm";
}
