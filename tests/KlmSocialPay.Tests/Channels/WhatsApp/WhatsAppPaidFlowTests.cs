using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;
using static KlmSocialPay.Tests.Channels.WhatsApp.WhatsAppTestData;

namespace KlmSocialPay.Tests.Channels.WhatsApp;

/// <summary>
/// The whole product on WhatsApp through the sandbox. The customer writes, and the agent creates an order and
/// sends a link. The link arrives as a call-to-action URL message whose statuses come back as webhooks. The
/// customer pays on the hosted page, and Stripe's webhook marks the order paid.
/// </summary>
public sealed class WhatsAppPaidFlowTests(ProductHost host) : IClassFixture<ProductHost>
{
    [Fact]
    public async Task CustomerPaysByCard_OrderPaid()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var waId = NewWaId();

        var written = await CustomerWrites(client, waId, "Hoi! Ik wil stoel 12A bijboeken 🙂");
        Assert.Equal(200, written["statusCode"]!.GetValue<int>());

        var orderId = (await CreateOrder(agent, waId)).Str("id");
        var sent = await AgentApi.RequestLink(agent, orderId);
        Assert.Equal("link-sent", sent.Str("status"));
        var sessionId = sent.Str("paymentLink.checkoutSessionId");
        var url = sent.Str("paymentLink.url");

        var delivered = Assert.Single((await client.GetFromJsonAsync<JsonArray>($"/sandbox/whatsapp/messages?recipientId={waId}"))!)!;
        Assert.Equal("interactive", delivered.Str("type"));
        Assert.Equal("cta_url", delivered["content"]!.Str("type"));
        Assert.Equal(url, delivered["content"]!["action"]!["parameters"]!.Str("url"));

        var outbound = await Eventually.Get(async () =>
        {
            var message = await OutboundMessage(agent, waId);
            return message["delivery"]?.GetValue<string>() == "delivered" ? message : null;
        }, what: $"the delivered status of the link to {waId}");
        Assert.Equal(delivered.Str("id"), outbound.Str("id"));
        Assert.Equal(orderId, outbound.Str("orderId"));

        var read = await client.PostAsync($"/sandbox/whatsapp/customers/{waId}/read", null);
        read.EnsureSuccessStatusCode();
        Assert.Equal("read", (await OutboundMessage(agent, waId)).Str("delivery"));

        var pay = await client.PostAsJsonAsync($"/sandbox/stripe/pay/{sessionId}", new { method = "card" });
        pay.EnsureSuccessStatusCode();

        var paid = await AgentApi.WaitForStatus(agent, orderId, "paid");
        Assert.Equal(sessionId, paid.Str("payment.checkoutSessionId"));
        Assert.Equal(4500, paid["payment"]!["amount"]!["amount"]!.GetValue<long>());
        Assert.Equal(["requested", "link-sent", "paid"], paid["history"]!.AsArray().Select(h => h!["to"]!.GetValue<string>()));
    }

    [Fact]
    public async Task LinkRequest_AfterWindow_IsRejected()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var waId = NewWaId();
        var longAgo = DateTimeOffset.UtcNow.AddHours(-25);
        await PostSigned(client, Changes(MessagesChange(TextMessage(waId, NewWamid(), "Yesterday's question", longAgo))));
        var orderId = (await CreateOrder(agent, waId)).Str("id");

        var response = await agent.PostAsync($"/api/orders/{orderId}/payment-link", null);
        var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(System.Net.HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("whatsapp-24h-window", problem.Str("rule"));
        Assert.Contains("does not send templates", problem.Str("detail"));
        Assert.Empty((await client.GetFromJsonAsync<JsonArray>($"/sandbox/whatsapp/messages?recipientId={waId}"))!);
    }
}
