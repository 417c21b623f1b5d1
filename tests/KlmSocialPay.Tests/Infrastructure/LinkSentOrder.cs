using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace KlmSocialPay.Tests.Infrastructure;

/// <summary>An order in <c>link-sent</c> made through the product and sandbox, and helpers to post Stripe events about it.</summary>
internal sealed record LinkSentOrder(string OrderId, string SessionId, string Psid, long Amount, string Currency)
{
    public static async Task<LinkSentOrder> Create(ProductHost host, HttpClient agent, long amount = 4500, string currency = "EUR")
    {
        using var client = host.CreateClient();
        var psid = AgentApi.NewPsid();
        await AgentApi.CustomerWrites(client, psid, "Please send me a payment link");
        var orderId = (await AgentApi.CreateOrder(agent, psid, AgentApi.Order(currency, amount))).Str("id");
        var sessionId = (await AgentApi.RequestLink(agent, orderId)).Str("paymentLink.checkoutSessionId");
        return new LinkSentOrder(orderId, sessionId, psid, amount, currency);
    }

    public string Event(string type, string? eventId = null, long? amount = null, string? currency = null,
        string paymentStatus = "paid", string status = "complete", string apiVersion = "2026-10-28.endive", string? sessionId = null) =>
        Payloads.StripeCheckoutEvent(type, eventId ?? NewEventId(), sessionId ?? SessionId, OrderId, amount ?? Amount,
            (currency ?? Currency).ToLowerInvariant(), paymentStatus, status, apiVersion);

    public static string NewEventId() => "evt_test_" + Guid.NewGuid().ToString("N");

    public static async Task<HttpResponseMessage> Post(HttpClient client, string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostSigned(HttpClient client, string body) =>
        Post(client, body, Signatures.Stripe(body, ProductHost.StripeWebhookSecret));

    public async Task<JsonNode> Read(HttpClient agent) => (await agent.GetFromJsonAsync<JsonNode>($"/api/orders/{OrderId}"))!;
}
