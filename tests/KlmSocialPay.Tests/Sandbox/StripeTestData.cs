using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Stripe;
using Stripe.Checkout;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>Checkout Session requests as the product sends them, and helpers to create and pay them.</summary>
internal static class StripeTestData
{
    /// <summary>Two seats at 15.00 EUR, payable by card or iDEAL, expiring in an hour.</summary>
    public static SessionCreateOptions Options(string currency = "eur", long unitAmount = 1500, long quantity = 2, params string[] allowedTypes) => new()
    {
        Mode = "payment",
        Currency = currency,
        AllowedPaymentMethodTypes = allowedTypes.Length > 0 ? [.. allowedTypes] : ["card", "ideal"],
        LineItems =
        [
            new SessionLineItemOptions
            {
                PriceData = new SessionLineItemPriceDataOptions
                {
                    Currency = currency,
                    UnitAmount = unitAmount,
                    ProductData = new SessionLineItemPriceDataProductDataOptions { Name = "Seat 12A, KL1234 AMS-JFK" },
                },
                Quantity = quantity,
            },
        ],
        ClientReferenceId = "fbm:conv_7f3c2a91",
        Metadata = new Dictionary<string, string> { ["order_id"] = "ord_000123", ["channel"] = "messenger" },
        PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = new Dictionary<string, string> { ["order_id"] = "ord_000123" } },
        ExpiresAt = DateTime.UtcNow.AddHours(1),
        SuccessUrl = "https://shop.example.test/pay/success?session_id={CHECKOUT_SESSION_ID}",
        CancelUrl = "https://shop.example.test/pay/cancel",
        Locale = "nl",
    };

    public static Task<Session> CreateSessionAsync(SandboxTestHost host, SessionCreateOptions? options = null) =>
        new SessionService(host.CreateStripeClient()).CreateAsync(options ?? Options());

    /// <summary>Submits the hosted page through its JSON variant, as a script or curl would.</summary>
    public static async Task<HttpResponseMessage> PayAsync(SandboxTestHost host, string sessionId, string method, string action = "pay")
    {
        using var client = host.CreateClient();
        return await client.PostAsJsonAsync($"/sandbox/stripe/pay/{sessionId}", new JsonObject { ["method"] = method, ["action"] = action });
    }

    /// <summary>Waits for the webhook of <paramref name="eventType"/> about <paramref name="sessionId"/>.</summary>
    public static async Task<ReceivedWebhook> WaitForEventAsync(WebhookReceiver receiver, string sessionId, string eventType)
    {
        var matches = await receiver.WaitForAsync(request =>
            request.Path == "/webhooks/stripe"
            && JsonNode.Parse(request.BodyText) is { } body
            && body["type"]?.GetValue<string>() == eventType
            && body["data"]?["object"]?["id"]?.GetValue<string>() == sessionId);

        return matches[0];
    }

    /// <summary>Verifies a received webhook with Stripe.net, exactly as the product's receiver does.</summary>
    public static Event ConstructEvent(ReceivedWebhook webhook) =>
        EventUtility.ConstructEvent(webhook.BodyText, webhook.Header("Stripe-Signature"), SandboxTestHost.WebhookSecret);
}
