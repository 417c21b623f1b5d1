using System.Net;
using System.Net.Http.Json;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Robustness;

/// <summary>
/// A refund that the bank rejects, with the events the sandbox sends as Stripe does: <c>refund.created</c> and
/// <c>charge.refunded</c> when the refund is created (the charge already counts it in <c>amount_refunded</c>),
/// then <c>refund.updated</c> and <c>refund.failed</c> when it fails, and no event that lowers the charge again.
/// </summary>
public sealed class RefundFailureTests(ProductHost host) : IClassFixture<ProductHost>
{
    [Fact]
    public async Task FailedRefund_AlertsAgent()
    {
        using var agent = host.CreateAgentClient();
        var orderId = await RefundThatFails(agent);

        var order = await Eventually.Get(async () =>
        {
            var read = await AgentApi.GetOrder(agent, orderId);
            return read["alerts"]!.AsArray().Any(alert => alert!.Str("code") == "refund-failed") ? read : null;
        }, what: $"the refund-failed alert of order {orderId}");

        Assert.Equal("failed", order["refunds"]![0]!.Str("status"));
    }

    [Fact]
    public async Task FailedRefund_LeavesOrderPaid()
    {
        using var agent = host.CreateAgentClient();
        var orderId = await RefundThatFails(agent);

        var order = await Eventually.Get(async () =>
        {
            var read = await AgentApi.GetOrder(agent, orderId);
            return read["alerts"]!.AsArray().Any(alert => alert!.Str("code") == "refund-failed") ? read : null;
        }, what: $"the refund-failed alert of order {orderId}");

        Assert.Equal("paid", order.Str("status"));
        Assert.Equal(0, order["refunded"]!["amount"]!.GetValue<long>());
    }

    /// <summary>Pays an order on the sandbox's checkout page, makes its next refund fail, and requests a full refund.</summary>
    private async Task<string> RefundThatFails(HttpClient agent)
    {
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);
        (await client.PostAsJsonAsync($"/sandbox/stripe/pay/{order.SessionId}", new { method = "card" })).EnsureSuccessStatusCode();
        var paid = await AgentApi.WaitForStatus(agent, order.OrderId, "paid");
        var paymentIntentId = paid.Str("payment.paymentIntentId");

        using var armed = await client.PostAsJsonAsync("/sandbox/stripe/refunds/fail-next", new { paymentIntent = paymentIntentId });
        using var refund = await agent.PostAsJsonAsync($"/api/orders/{order.OrderId}/refunds", new { amount = order.Amount });

        Assert.Equal(HttpStatusCode.OK, armed.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, refund.StatusCode);
        return order.OrderId;
    }
}
