using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Flow;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Outbox;

/// <summary>X's shared send quota, scaled down to 3 DMs per 15 minutes so the test reaches it.</summary>
public sealed class ChannelQuotaTests
{
    [Fact]
    public async Task XQuota_WarnsThenHoldsLinks()
    {
        await using var host = new AsyncHost(new ProductHost(new Dictionary<string, string?>
        {
            ["Outbox:Quotas:x:0:Window"] = "00:15:00",
            ["Outbox:Quotas:x:0:Limit"] = "3",
        }));
        await host.Host.InitializeAsync();
        using var client = host.Host.CreateClient();
        using var agent = host.Host.CreateAgentClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var userId = "16000" + Random.Shared.NextInt64(10_000_000_000, 99_999_999_999);
            (await client.PostAsJsonAsync($"/sandbox/x/customers/{userId}/messages", new { text = "Can I pay here?" })).EnsureSuccessStatusCode();
            var order = await agent.PostAsJsonAsync($"/api/conversations/x/{userId}/orders", AgentApi.Order());
            var orderId = (await order.Content.ReadFromJsonAsync<JsonNode>())!.Str("id");
            statuses.Add((await agent.PostAsync($"/api/orders/{orderId}/payment-link", null)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Accepted], statuses);
        var channels = await agent.GetFromJsonAsync<JsonArray>("/api/channels");
        var x = Assert.Single(channels!, c => c!.Str("channel") == "x");
        Assert.Contains("3 of 3", x!.Str("warning"));
        Assert.Equal(3, x!["quotas"]![0]!["used"]!.GetValue<int>());
    }
}
