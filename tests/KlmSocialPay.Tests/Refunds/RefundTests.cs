using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Refunds;

/// <summary>Refunds and disputes through the product, the real Stripe.net client and the sandbox's signed events.</summary>
public sealed class RefundTests(ProductHost host) : IClassFixture<ProductHost>
{
    [Fact]
    public async Task PartialThenRest_MovesToPartiallyRefundedThenRefunded()
    {
        using var agent = host.CreateAgentClient();
        var orderId = await PaidOrder(agent);

        var partial = await agent.PostAsJsonAsync($"/api/orders/{orderId}/refunds", new { amount = 1500 });

        Assert.Equal(HttpStatusCode.Accepted, partial.StatusCode);
        var afterPartial = await AgentApi.WaitForStatus(agent, orderId, "partially-refunded");
        Assert.Equal(1500, afterPartial["refunded"]!["amount"]!.GetValue<long>());

        (await agent.PostAsJsonAsync($"/api/orders/{orderId}/refunds", new { amount = 3000 })).EnsureSuccessStatusCode();

        var refunded = await AgentApi.WaitForStatus(agent, orderId, "refunded");
        Assert.Equal(4500, refunded["refunded"]!["amount"]!.GetValue<long>());
        Assert.All(refunded["refunds"]!.AsArray(), r => Assert.Equal("succeeded", r!.Str("status")));
    }

    [Theory]
    [InlineData(4501)]
    [InlineData(999_999)]
    public async Task MoreThanLeft_Returns409AndChangesNothing(long amount)
    {
        using var agent = host.CreateAgentClient();
        var orderId = await PaidOrder(agent);

        var response = await agent.PostAsJsonAsync($"/api/orders/{orderId}/refunds", new { amount });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var order = await AgentApi.GetOrder(agent, orderId);
        Assert.Equal("paid", order.Str("status"));
        Assert.Empty(order["refunds"]!.AsArray());
    }

    [Fact]
    public async Task PendingRefund_CountsAgainstWhatIsLeft()
    {
        using var agent = host.CreateAgentClient();
        var orderId = await PaidOrder(agent);
        (await agent.PostAsJsonAsync($"/api/orders/{orderId}/refunds", new { amount = 4500 })).EnsureSuccessStatusCode();

        var second = await agent.PostAsJsonAsync($"/api/orders/{orderId}/refunds", new { amount = 1 });

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        await AgentApi.WaitForStatus(agent, orderId, "refunded");
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { "{}", "amount" },
        { """{"amount":0}""", "amount" },
        { """{"amount":-100}""", "amount" },
        { """{"amount":"100"}""", "amount" },
        { """{"amount":12.5}""", "amount" },
        { "{not json", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task InvalidBody_Returns400NamingField(string json, string field)
    {
        using var agent = host.CreateAgentClient();
        var orderId = await PaidOrder(agent);

        var response = await agent.PostAsync($"/api/orders/{orderId}/refunds", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonNode>())!["errors"]![field]);
    }

    [Fact]
    public async Task UnpaidOrder_Returns409()
    {
        using var agent = host.CreateAgentClient();
        var order = await LinkSentOrder.Create(host, agent);

        var response = await agent.PostAsJsonAsync($"/api/orders/{order.OrderId}/refunds", new { amount = 100 });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task WithoutKey_Returns401()
    {
        using var client = host.CreateClient();

        var response = await client.PostAsJsonAsync("/api/orders/ord_00000000000000000000000000000000/refunds", new { amount = 100 });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RefundEvent_Twice_AppliesOnce()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var orderId = await PaidOrder(agent);
        var paymentIntent = (await AgentApi.GetOrder(agent, orderId)).Str("payment.paymentIntentId");
        var body = RefundEvent("refund.updated", "re_test_" + Guid.NewGuid().ToString("N")[..12], paymentIntent, 1000, "succeeded");

        await LinkSentOrder.PostSigned(client, body);
        var again = await LinkSentOrder.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var order = await AgentApi.GetOrder(agent, orderId);
        Assert.Equal(1000, order["refunded"]!["amount"]!.GetValue<long>());
        Assert.Single(order["history"]!.AsArray(), h => h!.Str("to") == "partially-refunded");
    }

    [Fact]
    public async Task RefundFailed_AlertsAgentAndKeepsPaid()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var orderId = await PaidOrder(agent);
        var paymentIntent = (await AgentApi.GetOrder(agent, orderId)).Str("payment.paymentIntentId");

        await LinkSentOrder.PostSigned(client, RefundEvent("refund.failed", "re_test_" + Guid.NewGuid().ToString("N")[..12], paymentIntent, 1000, "failed"));

        var order = await AgentApi.GetOrder(agent, orderId);
        Assert.Equal("paid", order.Str("status"));
        Assert.Contains(order["alerts"]!.AsArray(), a => a!.Str("code") == "refund-failed");
        Assert.Contains(await AgentApi.Notifications(agent), n => n!.Str("orderId") == orderId && n!.Str("type") == "refund-failed");
    }

    [Fact]
    public async Task Dispute_IsRecordedAndNotified()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var orderId = await PaidOrder(agent);
        var paymentIntent = (await AgentApi.GetOrder(agent, orderId)).Str("payment.paymentIntentId");
        var disputeId = "dp_test_" + Guid.NewGuid().ToString("N")[..12];

        await LinkSentOrder.PostSigned(client, DisputeEvent("charge.dispute.created", disputeId, paymentIntent, "needs_response"));
        await LinkSentOrder.PostSigned(client, DisputeEvent("charge.dispute.closed", disputeId, paymentIntent, "won"));

        var order = await AgentApi.GetOrder(agent, orderId);
        Assert.Equal("won", Assert.Single(order["disputes"]!.AsArray())!.Str("status"));
        var types = (await AgentApi.Notifications(agent)).Where(n => n!.Str("orderId") == orderId).Select(n => n!.Str("type")).ToList();
        Assert.Contains("dispute-opened", types);
        Assert.Contains("dispute-closed", types);
    }

    private async Task<string> PaidOrder(HttpClient agent)
    {
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);
        (await client.PostAsJsonAsync($"/sandbox/stripe/pay/{order.SessionId}", new { method = "card" })).EnsureSuccessStatusCode();
        await AgentApi.WaitForStatus(agent, order.OrderId, "paid");
        return order.OrderId;
    }

    private static string RefundEvent(string type, string refundId, string paymentIntent, long amount, string status) => new JsonObject
    {
        ["id"] = LinkSentOrder.NewEventId(),
        ["object"] = "event",
        ["api_version"] = "2026-10-28.endive",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["type"] = type,
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new JsonObject
        {
            ["object"] = new JsonObject
            {
                ["id"] = refundId,
                ["object"] = "refund",
                ["amount"] = amount,
                ["currency"] = "eur",
                ["charge"] = "ch_test_1",
                ["payment_intent"] = paymentIntent,
                ["status"] = status,
                ["failure_reason"] = status == "failed" ? "expired_or_canceled_card" : null,
                ["metadata"] = new JsonObject(),
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            },
        },
    }.ToJsonString();

    private static string DisputeEvent(string type, string disputeId, string paymentIntent, string status) => new JsonObject
    {
        ["id"] = LinkSentOrder.NewEventId(),
        ["object"] = "event",
        ["api_version"] = "2026-10-28.endive",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["type"] = type,
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new JsonObject
        {
            ["object"] = new JsonObject
            {
                ["id"] = disputeId,
                ["object"] = "dispute",
                ["amount"] = 4500,
                ["currency"] = "eur",
                ["charge"] = "ch_test_1",
                ["payment_intent"] = paymentIntent,
                ["reason"] = "fraudulent",
                ["status"] = status,
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            },
        },
    }.ToJsonString();
}
