using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Flow;

/// <summary>
/// The whole product through the sandbox: a customer writes on Messenger, an agent creates an order and
/// sends a link, the customer pays on the hosted page, Stripe's signed webhook marks the order paid, and
/// the agent is notified. Every hop is real HTTP on loopback and the real Stripe.net client.
/// </summary>
public sealed class PaidFlowTests(ProductHost host) : IClassFixture<ProductHost>
{
    [Fact]
    public async Task CustomerPaysByCard_OrderPaidAndAgentNotified()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var psid = AgentApi.NewPsid();

        await AgentApi.CustomerWrites(client, psid, "Hoi! Ik wil stoel 12A bijboeken.");
        var order = await AgentApi.CreateOrder(agent, psid, AgentApi.Order(language: "nl"));
        var orderId = order.Str("id");
        var sent = await AgentApi.RequestLink(agent, orderId);

        Assert.Equal("link-sent", sent.Str("status"));
        var sessionId = sent.Str("paymentLink.checkoutSessionId");
        var url = sent.Str("paymentLink.url");
        Assert.StartsWith($"{host.BaseAddress}sandbox/stripe/pay/", url);

        var delivered = await client.GetFromJsonAsync<JsonNode>($"/sandbox/meta/messages?recipientId={psid}");
        Assert.Contains(url, delivered!.ToJsonString());
        Assert.Contains("betaallink", delivered.ToJsonString());

        var pay = await client.PostAsJsonAsync($"/sandbox/stripe/pay/{sessionId}", new { method = "card" });
        pay.EnsureSuccessStatusCode();

        var paid = await AgentApi.WaitForStatus(agent, orderId, "paid");
        Assert.Equal(sessionId, paid.Str("payment.checkoutSessionId"));
        Assert.Equal(4500, paid["payment"]!["amount"]!["amount"]!.GetValue<long>());
        Assert.Equal(["requested", "link-sent", "paid"], paid["history"]!.AsArray().Select(h => h!["to"]!.GetValue<string>()));

        var notifications = await AgentApi.Notifications(agent);
        var received = Assert.Single(notifications, n => n!["orderId"]!.GetValue<string>() == orderId);
        Assert.Equal("payment-received", received!.Str("type"));
    }

    [Fact]
    public async Task CustomerPaysByIdeal_OrderPaid()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var psid = AgentApi.NewPsid();

        await AgentApi.CustomerWrites(client, psid, "Can I add a bag?");
        var orderId = (await AgentApi.CreateOrder(agent, psid)).Str("id");
        var sessionId = (await AgentApi.RequestLink(agent, orderId)).Str("paymentLink.checkoutSessionId");

        (await client.PostAsJsonAsync($"/sandbox/stripe/pay/{sessionId}", new { method = "ideal" })).EnsureSuccessStatusCode();

        var paid = await AgentApi.WaitForStatus(agent, orderId, "paid");
        Assert.Equal("paid", paid.Str("status"));
    }

    [Fact]
    public async Task NotificationStream_DeliversPaymentLive()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var psid = AgentApi.NewPsid();
        await AgentApi.CustomerWrites(client, psid, "I'd like to pay for my rebooking");
        var orderId = (await AgentApi.CreateOrder(agent, psid)).Str("id");
        var sessionId = (await AgentApi.RequestLink(agent, orderId)).Str("paymentLink.checkoutSessionId");
        var after = (await AgentApi.Notifications(agent)).Select(n => n!["sequence"]!.GetValue<long>()).DefaultIfEmpty(0).Max();

        using var stream = await agent.GetStreamAsync($"/api/agents/me/events?after={after}");
        using var reader = new StreamReader(stream);
        (await client.PostAsJsonAsync($"/sandbox/stripe/pay/{sessionId}", new { method = "card" })).EnsureSuccessStatusCode();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? data = null;
        while (data is null || !data.Contains(orderId))
        {
            var line = await reader.ReadLineAsync(timeout.Token);
            if (line?.StartsWith("data: ", StringComparison.Ordinal) == true)
            {
                data = line["data: ".Length..];
            }
        }

        Assert.Equal("payment-received", JsonNode.Parse(data)!.Str("type"));
    }
}
