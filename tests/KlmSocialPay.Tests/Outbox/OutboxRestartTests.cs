using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Flow;
using KlmSocialPay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace KlmSocialPay.Tests.Outbox;

public sealed class OutboxRestartTests
{
    [Fact]
    public async Task SiloRestartBetweenAttempts_DeliversOnce()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "klmsocialpay-tests", Guid.NewGuid().ToString("N"));
        Dictionary<string, string?> settings = new()
        {
            // Long enough for the product to stop and start again before the retry is due.
            ["Outbox:BaseDelay"] = "00:00:12",
            ["Outbox:JitterFraction"] = "0",
        };
        string psid;
        string orderId;
        try
        {
            await using (var first = new AsyncHost(new ProductHost(settings, dataDirectory)))
            {
                await first.Host.InitializeAsync();
                using var client = first.Host.CreateClient();
                using var agent = first.Host.CreateAgentClient();
                psid = AgentApi.NewPsid();
                await AgentApi.CustomerWrites(client, psid, "Please send the link");
                orderId = (await AgentApi.CreateOrder(agent, psid)).Str("id");
                (await client.PostAsJsonAsync("/sandbox/meta/failures", new { recipientId = psid, code = 500, count = 1 })).EnsureSuccessStatusCode();

                var response = await agent.PostAsync($"/api/orders/{orderId}/payment-link", null);

                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                Assert.Empty((await client.GetFromJsonAsync<JsonArray>($"/sandbox/meta/messages?recipientId={psid}"))!);
            }

            await using var second = new AsyncHost(new ProductHost(settings, dataDirectory));
            await second.Host.InitializeAsync();
            using var secondClient = second.Host.CreateClient();
            using var secondAgent = second.Host.CreateAgentClient();

            await AgentApi.WaitForStatus(secondAgent, orderId, "link-sent");
            Assert.Single((await secondClient.GetFromJsonAsync<JsonArray>($"/sandbox/meta/messages?recipientId={psid}"))!);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}

public sealed class RetentionTests
{
    [Fact]
    public async Task ExpiredText_IsErasedAndOrdersStay()
    {
        await using var host = new AsyncHost(new ProductHost(new Dictionary<string, string?> { ["Conversations:TextRetention"] = "00:00:01" }));
        await host.Host.InitializeAsync();
        using var agent = host.Host.CreateAgentClient();
        var order = await LinkSentOrder.Create(host.Host, agent);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var erased = await host.Host.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<IConversationGrain>($"messenger:{order.Psid}").EraseExpiredText();

        Assert.Equal(2, erased);
        var conversation = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/messenger/{order.Psid}");
        Assert.All(conversation!["messages"]!.AsArray(), m => Assert.Null(m!["text"]));
        Assert.All(conversation["messages"]!.AsArray(), m => Assert.True(m!["textErased"]!.GetValue<bool>()));
        Assert.Equal(order.OrderId, conversation["orders"]![0]!.Str("id"));
        Assert.Equal("link-sent", (await order.Read(agent)).Str("status"));
    }

    [Fact]
    public async Task RecentText_IsKept()
    {
        await using var host = new AsyncHost(new ProductHost(new Dictionary<string, string?> { ["Conversations:TextRetention"] = "1.00:00:00" }));
        await host.Host.InitializeAsync();
        using var agent = host.Host.CreateAgentClient();
        var order = await LinkSentOrder.Create(host.Host, agent);

        var erased = await host.Host.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<IConversationGrain>($"messenger:{order.Psid}").EraseExpiredText();

        Assert.Equal(0, erased);
    }
}
