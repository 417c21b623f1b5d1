namespace KlmSocialPay.Silo.Storage;

/// <summary>Checks that the silo's storage database accepts connections, for health checks.</summary>
public interface IStorageProbe
{
    /// <summary>Opens a connection and runs <c>SELECT 1</c>.</summary>
    /// <returns>True when the query returned 1, false when the database could not be reached or the query failed.</returns>
    Task<bool> CanConnectAsync(CancellationToken ct);
}
