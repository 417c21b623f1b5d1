using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Channels.X;

/// <summary>
/// The whole product on X through the sandbox. A customer sends a DM, and an agent creates an order and sends
/// a link, which arrives as a DM. The customer pays on the hosted page, and Stripe's webhook marks the order paid.
/// </summary>
public sealed class XPaidFlowTests(ProductHost host) : IClassFixture<ProductHost>
{
    [Fact]
    public async Task CustomerPaysByCard_OnX_OrderPaid()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var userId = XTestData.NewUserId();

        await CustomerWrites(client, userId, "Hi! I would like to add seat 12A to my booking.");
        var orderId = await CreateOrder(agent, userId);
        var sent = await AgentApi.RequestLink(agent, orderId);

        Assert.Equal("link-sent", sent.Str("status"));
        var sessionId = sent.Str("paymentLink.checkoutSessionId");
        var url = sent.Str("paymentLink.url");
        var dm = Assert.Single((await client.GetFromJsonAsync<JsonArray>($"/sandbox/x/messages?recipientId={userId}"))!)!;
        Assert.EndsWith("\n" + url, dm.Str("text"));
        Assert.Contains("X7K2QP", dm.Str("text"));

        (await client.PostAsJsonAsync($"/sandbox/stripe/pay/{sessionId}", new { method = "card" })).EnsureSuccessStatusCode();

        var paid = await AgentApi.WaitForStatus(agent, orderId, "paid");
        Assert.Equal(sessionId, paid.Str("payment.checkoutSessionId"));
        var conversation = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/x/{userId}");
        var outbound = conversation!["messages"]!.AsArray().Single(m => m!.Str("direction") == "outbound")!;
        Assert.Equal(dm.Str("eventId"), outbound.Str("id"));
    }

    [Fact]
    public async Task LinkRefused403_OrderStaysRequestedWithRule()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var userId = XTestData.NewUserId();
        await CustomerWrites(client, userId, "Please send me the payment link");
        var orderId = await CreateOrder(agent, userId);
        (await client.PostAsJsonAsync("/sandbox/x/failures", new { recipientId = userId, status = 403 })).EnsureSuccessStatusCode();

        var response = await agent.PostAsync($"/api/orders/{orderId}/payment-link", null);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal("x-dm-not-allowed", problem.Str("rule"));
        var order = await AgentApi.GetOrder(agent, orderId);
        Assert.Equal("requested", order.Str("status"));
        Assert.Equal("http-403", order.Str("lastDeliveryFailure.code"));
    }

    [Fact]
    public async Task OrderWithoutCustomerMessage_IsNotFound()
    {
        using var agent = host.CreateAgentClient();

        var response = await agent.PostAsJsonAsync($"/api/conversations/x/{XTestData.NewUserId()}/orders", AgentApi.Order());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task CustomerWrites(HttpClient client, string userId, string text)
    {
        var response = await client.PostAsJsonAsync($"/sandbox/x/customers/{userId}/messages", new { text });
        response.EnsureSuccessStatusCode();
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(200, result["statusCode"]!.GetValue<int>());
    }

    private static async Task<string> CreateOrder(HttpClient agent, string userId)
    {
        var response = await agent.PostAsJsonAsync($"/api/conversations/x/{userId}/orders", AgentApi.Order());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!.Str("id");
    }
}
