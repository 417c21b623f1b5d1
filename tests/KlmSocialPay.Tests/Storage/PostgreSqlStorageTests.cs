using KlmSocialPay.Silo.Storage;
using KlmSocialPay.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace KlmSocialPay.Tests.Storage;

/// <summary>The storage behaviour on PostgreSQL, one database per test on the shared throwaway server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlStorageTests(PostgresServer server) : StorageProviderTests
{
    private string connectionString = "";

    protected override async Task<IReadOnlyDictionary<string, string?>> CreateStorageSectionAsync()
    {
        connectionString = await server.CreateDatabaseAsync("storage");
        return new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = connectionString,
        };
    }

    [Fact]
    public async Task Membership_SiloStarted_HasActiveRow()
    {
        await using var cluster = await StartClusterAsync();

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @clusterId AND Status = 3;";
        command.Parameters.AddWithValue("clusterId", ServiceId);

        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task StorageProbe_ServerRestart_FailsThenRecovers()
    {
        await using var database = CreateDatabase();
        var probe = new StorageProbe(database, NullLogger<StorageProbe>.Instance);

        await server.StopAsync();
        bool whileStopped;
        try
        {
            whileStopped = await probe.CanConnectAsync(CancellationToken.None);
        }
        finally
        {
            await server.StartAsync();
        }

        var afterRestart = await probe.CanConnectAsync(CancellationToken.None);

        Assert.False(whileStopped);
        Assert.True(afterRestart);
    }
}
