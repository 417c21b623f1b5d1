using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KlmSocialPay.LoadDriver.Product;

/// <summary>
/// Webhook bodies in the platforms' wire formats, signed as the platforms sign them: Messenger with
/// <c>X-Hub-Signature-256: sha256=hex(HMAC-SHA256(app secret, raw body))</c>, Stripe with
/// <c>Stripe-Signature: t={unix},v1=hex(HMAC-SHA256(endpoint secret, "{t}.{body}"))</c>.
/// </summary>
public sealed class WebhookPayloads(string metaAppSecret, string stripeWebhookSecret)
{
    public const string PageId = "100000000000001";

    private static readonly string[] CustomerTexts =
    [
        "Hello, I would like to add a seat to my booking",
        "Hoi, ik wil stoel 12A bijboeken",
        "Can I take an extra bag on my flight to New York?",
        "Bonjour, je voudrais changer mon vol",
        "My flight was cancelled, can you rebook me?",
        "Is there a fee for changing the date?",
    ];

    private static readonly string StripeEventTemplate = ReadTemplate();

    private readonly byte[] metaKey = Encoding.UTF8.GetBytes(metaAppSecret);
    private readonly byte[] stripeKey = Encoding.UTF8.GetBytes(stripeWebhookSecret);

    /// <summary>A Messenger <c>page</c> event with one customer text message.</summary>
    public byte[] MessengerMessage(string psid, string mid, long sequence)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var buffer = new MemoryStream(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", "page");
            json.WriteStartArray("entry");
            json.WriteStartObject();
            json.WriteString("id", PageId);
            json.WriteNumber("time", now);
            json.WriteStartArray("messaging");
            json.WriteStartObject();
            json.WriteStartObject("sender");
            json.WriteString("id", psid);
            json.WriteEndObject();
            json.WriteStartObject("recipient");
            json.WriteString("id", PageId);
            json.WriteEndObject();
            json.WriteNumber("timestamp", now);
            json.WriteStartObject("message");
            json.WriteString("mid", mid);
            json.WriteString("text", CustomerTexts[sequence % CustomerTexts.Length]);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public string MetaSignature(byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(metaKey, body));

    /// <summary>A <c>checkout.session.completed</c> event for a paid session of an order.</summary>
    public string CheckoutSessionCompleted(string eventId, string sessionId, string orderId, long amount, string currency)
    {
        var root = JsonNode.Parse(StripeEventTemplate)!;
        root["id"] = eventId;
        root["type"] = "checkout.session.completed";
        root["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var session = root["data"]!["object"]!;
        session["id"] = sessionId;
        session["amount_total"] = amount;
        session["amount_subtotal"] = amount;
        session["currency"] = currency.ToLowerInvariant();
        session["payment_status"] = "paid";
        session["status"] = "complete";
        session["client_reference_id"] = orderId;

        // Every real session has its own PaymentIntent; the template's single id would funnel all
        // flows through one PaymentIntent grain.
        session["payment_intent"] = "pi_bench_" + Guid.NewGuid().ToString("N");
        session["metadata"]!["order_id"] = orderId;
        return root.ToJsonString();
    }

    public string StripeSignature(string body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(stripeKey, Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    private static string ReadTemplate()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("stripe.checkout.session.completed.json")
            ?? throw new InvalidOperationException("The embedded Stripe event template is missing; check LoadDriver.csproj.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
