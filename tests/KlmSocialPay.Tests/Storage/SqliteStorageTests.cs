using Microsoft.Data.Sqlite;

namespace KlmSocialPay.Tests.Storage;

/// <summary>The storage behaviour on the embedded SQLite provider, one database file per test.</summary>
public sealed class SqliteStorageTests : StorageProviderTests
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "klm-sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    protected override Task<IReadOnlyDictionary<string, string?>> CreateStorageSectionAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = dataDirectory,
        });

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task SqliteFile_AfterSiloStart_UsesWal()
    {
        await using (await StartClusterAsync())
        {
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "klmsocialpay.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }
}
