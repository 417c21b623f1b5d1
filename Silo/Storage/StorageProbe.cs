using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace KlmSocialPay.Silo.Storage;

/// <summary>
/// <see cref="IStorageProbe"/> on the silo's own connection pool. It logs a warning when storage
/// becomes unreachable and an information line when a probe succeeds again, not every failed probe.
/// </summary>
internal sealed partial class StorageProbe(StorageDatabase database, ILogger<StorageProbe> logger) : IStorageProbe
{
    private int _lastProbeFailed;

    public async Task<bool> CanConnectAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await database.DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1;";
            var result = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);

            var answered = Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture) == 1;
            RecordOutcome(answered, error: null);
            return answered;
        }
        catch (DbException ex)
        {
            RecordOutcome(answered: false, ex);
            return false;
        }
        catch (TimeoutException ex)
        {
            RecordOutcome(answered: false, ex);
            return false;
        }
    }

    private void RecordOutcome(bool answered, Exception? error)
    {
        var failed = answered ? 0 : 1;
        var previous = Interlocked.Exchange(ref _lastProbeFailed, failed);

        if (failed == 1 && previous == 0)
        {
            LogStorageUnreachable(error, database.Provider);
        }
        else if (failed == 0 && previous == 1)
        {
            LogStorageReachable(database.Provider);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage probe on {StorageProvider} failed; further failures are not logged until it succeeds again")]
    private partial void LogStorageUnreachable(Exception? error, StorageProvider storageProvider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage probe on {StorageProvider} succeeds again")]
    private partial void LogStorageReachable(StorageProvider storageProvider);
}
