using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Refunds;

/// <summary>A product host whose sandbox does not deliver Stripe's webhooks, so the product misses payments.</summary>
public sealed class SilentStripeHost : IAsyncLifetime
{
    public ProductHost Host { get; } = new(new Dictionary<string, string?> { ["Sandbox:Stripe:WebhookUrl"] = "" });

    public Task InitializeAsync() => Host.InitializeAsync();

    public Task DisposeAsync() => Host.DisposeAsync();
}

public sealed class ReconciliationTests(SilentStripeHost fixture) : IClassFixture<SilentStripeHost>
{
    private ProductHost Host => fixture.Host;

    [Fact]
    public async Task MissedPaymentWebhook_IsReported()
    {
        using var agent = Host.CreateAgentClient();
        using var client = Host.CreateClient();
        using var operations = OperationsClient();
        var missed = await LinkSentOrder.Create(Host, agent);
        var recorded = await LinkSentOrder.Create(Host, agent);
        (await client.PostAsJsonAsync($"/sandbox/stripe/pay/{missed.SessionId}", new { method = "card" })).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync($"/sandbox/stripe/pay/{recorded.SessionId}", new { method = "card" })).EnsureSuccessStatusCode();
        await LinkSentOrder.PostSigned(client, recorded.Event("checkout.session.completed"));

        var response = await operations.PostAsJsonAsync("/api/operations/reconciliation",
            new { from = DateTimeOffset.UtcNow.AddHours(-1), to = DateTimeOffset.UtcNow.AddMinutes(1) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mismatches = (await response.Content.ReadFromJsonAsync<JsonNode>())!["mismatches"]!.AsArray();
        var reported = Assert.Single(mismatches, m => m!.Str("orderId") == missed.OrderId);
        Assert.Equal("paid-at-provider-not-here", reported!.Str("kind"));
        Assert.DoesNotContain(mismatches, m => m!.Str("orderId") == recorded.OrderId);
    }

    [Fact]
    public async Task Latest_ReturnsLastReport()
    {
        using var operations = OperationsClient();
        await operations.PostAsJsonAsync("/api/operations/reconciliation",
            new { from = DateTimeOffset.UtcNow.AddHours(-1), to = DateTimeOffset.UtcNow.AddMinutes(1) });

        var latest = await operations.GetAsync("/api/operations/reconciliation/latest");

        Assert.Equal(HttpStatusCode.OK, latest.StatusCode);
    }

    [Theory]
    [InlineData("""{"to":"2026-12-04T00:00:00Z"}""", "from")]
    [InlineData("""{"from":"2026-12-04T00:00:00Z"}""", "to")]
    [InlineData("""{"from":"2026-12-04T00:00:00Z","to":"2026-12-03T00:00:00Z"}""", "to")]
    [InlineData("""{"from":"2026-10-01T00:00:00Z","to":"2026-12-03T00:00:00Z"}""", "to")]
    [InlineData("""{"from":"yesterday"}""", "body")]
    public async Task InvalidRange_Returns400NamingField(string json, string field)
    {
        using var operations = OperationsClient();

        var response = await operations.PostAsync("/api/operations/reconciliation", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonNode>())!["errors"]![field]);
    }

    [Fact]
    public async Task AgentKey_IsRefused()
    {
        using var agent = Host.CreateAgentClient();

        var response = await agent.GetAsync("/api/operations/reconciliation/latest");

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
    }

    [Fact]
    public async Task NoCredentials_Returns401()
    {
        using var client = Host.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/operations/reconciliation/latest")).StatusCode);
    }

    private HttpClient OperationsClient()
    {
        var client = Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:dev-ops-password")));
        return client;
    }
}
