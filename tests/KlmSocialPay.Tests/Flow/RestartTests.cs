using System.Net;
using Microsoft.Data.Sqlite;
using Npgsql;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Flow;

/// <summary>
/// Stops the whole product and starts a new process image on the same storage: orders, conversations,
/// payment links, notifications and reminders must all come back.
/// </summary>
internal static class RestartScenario
{
    public static async Task<LinkSentOrder> BeforeRestart(ProductHost host)
    {
        using var agent = host.CreateAgentClient();
        return await LinkSentOrder.Create(host, agent);
    }

    public static async Task AfterRestart(ProductHost host, LinkSentOrder order)
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();

        var restored = await order.Read(agent);
        Assert.Equal("link-sent", restored.Str("status"));
        Assert.Equal(order.SessionId, restored.Str("paymentLink.checkoutSessionId"));
        Assert.Equal(2, restored["history"]!.AsArray().Count);

        // The event is routed by session id, so this also proves the payment link grain's state survived.
        var response = await LinkSentOrder.PostSigned(client, order.Event("checkout.session.completed"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("paid", (await order.Read(agent)).Str("status"));
        Assert.Single(await AgentApi.Notifications(agent), n => n!["orderId"]!.GetValue<string>() == order.OrderId);
    }
}

public sealed class SqliteRestartTests
{
    [Fact]
    public async Task SiloRestart_OnSqlite_KeepsStateAndReminders()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "klmsocialpay-tests", Guid.NewGuid().ToString("N"));
        LinkSentOrder order;
        await using (var first = new AsyncHost(new ProductHost([], dataDirectory)))
        {
            await first.Host.InitializeAsync();
            order = await RestartScenario.BeforeRestart(first.Host);
        }

        try
        {
            await using var second = new AsyncHost(new ProductHost([], dataDirectory));
            await second.Host.InitializeAsync();

            Assert.Equal(1, await CountExpiryReminders(dataDirectory, order.SessionId));
            await RestartScenario.AfterRestart(second.Host, order);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<long> CountExpiryReminders(string dataDirectory, string sessionId)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "klmsocialpay.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM OrleansRemindersTable WHERE GrainId LIKE $grain AND ReminderName = 'expiry'";
        command.Parameters.AddWithValue("$grain", $"%{sessionId}%");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlRestartTests(PostgresServer postgres)
{
    [Fact]
    public async Task SiloRestart_OnPostgreSql_KeepsStateAndReminders()
    {
        var connectionString = await postgres.CreateDatabaseAsync("restart");
        Dictionary<string, string?> settings = new()
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = connectionString,
            ["Orleans:ClusterId"] = "restart-test",
        };

        LinkSentOrder order;
        await using (var first = new AsyncHost(new ProductHost(settings)))
        {
            await first.Host.InitializeAsync();
            order = await RestartScenario.BeforeRestart(first.Host);
        }

        await using var second = new AsyncHost(new ProductHost(settings));
        await second.Host.InitializeAsync();

        Assert.Equal(1, await CountExpiryReminders(connectionString, order.SessionId));
        await RestartScenario.AfterRestart(second.Host, order);
    }

    private static async Task<long> CountExpiryReminders(string connectionString, string sessionId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT COUNT(*) FROM orleansreminderstable WHERE grainid LIKE @grain AND remindername = 'expiry'", connection);
        command.Parameters.AddWithValue("grain", $"%{sessionId}%");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>Disposes a <see cref="ProductHost"/> at the end of a using block.</summary>
internal sealed class AsyncHost(ProductHost host) : IAsyncDisposable
{
    public ProductHost Host { get; } = host;

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
