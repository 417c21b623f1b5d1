using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Stripe;
using Stripe.Checkout;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>Paid sessions, the sandbox's payment controls, and waits for events about payment objects.</summary>
internal static class StripePaymentTestData
{
    /// <summary>Creates the standard 30.00 EUR session, pays it with <paramref name="method"/> and returns it with its PaymentIntent id.</summary>
    public static async Task<Session> PaidSessionAsync(SandboxTestHost host, string method = "card")
    {
        var options = method == "card" ? StripeTestData.Options() : StripeTestData.Options(allowedTypes: ["card", method]);
        var created = await StripeTestData.CreateSessionAsync(host, options);

        using var pay = await StripeTestData.PayAsync(host, created.Id, method);
        pay.EnsureSuccessStatusCode();

        return await new SessionService(host.CreateStripeClient()).GetAsync(created.Id);
    }

    public static RefundService Refunds(SandboxTestHost host) => new(host.CreateStripeClient());

    public static async Task<Charge> LatestChargeAsync(SandboxTestHost host, string paymentIntentId)
    {
        var client = host.CreateStripeClient();
        var paymentIntent = await new PaymentIntentService(client).GetAsync(paymentIntentId);

        return await new ChargeService(client).GetAsync(paymentIntent.LatestChargeId);
    }

    public static async Task<HttpResponseMessage> FailNextRefundAsync(SandboxTestHost host, string paymentIntentId)
    {
        using var client = host.CreateClient();
        return await client.PostAsJsonAsync("/sandbox/stripe/refunds/fail-next", new JsonObject { ["paymentIntent"] = paymentIntentId });
    }

    public static async Task<HttpResponseMessage> OpenDisputeAsync(SandboxTestHost host, string paymentIntentId, string reason = "fraudulent")
    {
        using var client = host.CreateClient();
        return await client.PostAsJsonAsync("/sandbox/stripe/disputes", new JsonObject { ["paymentIntent"] = paymentIntentId, ["reason"] = reason });
    }

    public static async Task<HttpResponseMessage> CloseDisputeAsync(SandboxTestHost host, string disputeId, string status)
    {
        using var client = host.CreateClient();
        return await client.PostAsJsonAsync($"/sandbox/stripe/disputes/{disputeId}/close", new JsonObject { ["status"] = status });
    }

    /// <summary>Waits for the webhook of <paramref name="eventType"/> whose <c>data.object.id</c> is <paramref name="objectId"/>, and verifies it with Stripe.net.</summary>
    public static async Task<Event> WaitForEventAsync(WebhookReceiver receiver, string objectId, string eventType)
    {
        var webhook = await WaitForWebhookAsync(receiver, objectId, eventType);

        return StripeTestData.ConstructEvent(webhook);
    }

    public static async Task<ReceivedWebhook> WaitForWebhookAsync(WebhookReceiver receiver, string objectId, string eventType)
    {
        var matches = await receiver.WaitForAsync(request => IsEvent(request, objectId, eventType));

        return matches[0];
    }

    /// <summary>The types of every received event about <paramref name="objectId"/>, in the order they arrived.</summary>
    public static IReadOnlyList<string> ReceivedTypes(WebhookReceiver receiver, string objectId) =>
        receiver.Received
            .Where(request => request.Path == "/webhooks/stripe")
            .Select(request => JsonNode.Parse(request.BodyText)!)
            .Where(body => body["data"]?["object"]?["id"]?.GetValue<string>() == objectId)
            .Select(body => body["type"]!.GetValue<string>())
            .ToList();

    private static bool IsEvent(ReceivedWebhook request, string objectId, string eventType) =>
        request.Path == "/webhooks/stripe"
        && JsonNode.Parse(request.BodyText) is { } body
        && body["type"]?.GetValue<string>() == eventType
        && body["data"]?["object"]?["id"]?.GetValue<string>() == objectId;
}
