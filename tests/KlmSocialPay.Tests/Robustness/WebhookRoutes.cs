using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Api.Channels.Messenger;
using KlmSocialPay.Api.Channels.X;
using KlmSocialPay.Api.Webhooks;
using KlmSocialPay.Tests.Channels.X;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Robustness;

/// <summary>
/// One inbound webhook route of the product: where it is, its body limit, how its sender signs, and valid
/// bodies to mutate. <see cref="SentinelBody"/> would change the sentinel conversation or order if it were
/// accepted, so the fuzzer only ever sends it unsigned, wrongly signed or damaged. <see cref="DecoyBody"/>
/// concerns other customers and orders, so the fuzzer may sign its mutations correctly.
/// </summary>
internal sealed record WebhookRoute(
    string Name,
    string Path,
    int MaxBodyBytes,
    string SignatureHeader,
    Func<byte[], string> Sign,
    Func<byte[], string> SignWithWrongSecret,
    Func<Sentinels, Random, byte[]> SentinelBody,
    Func<Sentinels, Random, byte[]> DecoyBody)
{
    /// <summary>The Stripe signature of <paramref name="body"/> at <paramref name="at"/>, over the raw bytes.</summary>
    public static string StripeSignature(byte[] body, string secret, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = Encoding.ASCII.GetBytes(timestamp + ".").Concat(body).ToArray();

        return $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed))}";
    }

    public static string MetaSignature(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static string XSignature(byte[] body, string secret) =>
        "sha256=" + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

/// <summary>
/// The state the fuzzer must leave alone, and the decoys whose ids its signed mutations may use. One sentinel
/// conversation per channel contains one message, and the sentinel order is in <c>link-sent</c>.
/// </summary>
internal sealed record Sentinels(
    LinkSentOrder Order,
    LinkSentOrder DecoyOrder,
    IReadOnlyDictionary<string, string> CustomerIds,
    IReadOnlyDictionary<string, string> DecoyCustomerIds);

/// <summary>The webhook routes of the product that the fuzzer covers, with their real-format bodies.</summary>
internal static class WebhookRoutes
{
    public const string WhatsAppPhoneNumberId = "100000000000777";
    public const string XAccountId = XTestData.AccountId;

    /// <summary>
    /// WhatsApp's body limit, read from the product by reflection, or null when this build has no WhatsApp
    /// channel. The WhatsApp channel was added while these tests were written, so they do not name its types.
    /// </summary>
    public static int? WhatsAppMaxBodyBytes =>
        typeof(StripeWebhook).Assembly.GetType("KlmSocialPay.Api.Channels.WhatsApp.WhatsAppWebhook")
            ?.GetField("MaxBodyBytes")?.GetRawConstantValue() as int?;

    public static IReadOnlyList<WebhookRoute> All
    {
        get
        {
            var routes = new List<WebhookRoute> { Stripe, Messenger, X };

            if (WhatsAppMaxBodyBytes is { } whatsAppLimit)
            {
                routes.Add(WhatsApp(whatsAppLimit));
            }

            return routes;
        }
    }

    public static readonly WebhookRoute Stripe = new(
        "stripe",
        "/webhooks/stripe",
        StripeWebhook.MaxBodyBytes,
        "Stripe-Signature",
        body => WebhookRoute.StripeSignature(body, ProductHost.StripeWebhookSecret, DateTimeOffset.UtcNow),
        body => WebhookRoute.StripeSignature(body, "whsec_someone_else", DateTimeOffset.UtcNow),
        (sentinels, random) => Encoding.UTF8.GetBytes(sentinels.Order.Event("checkout.session.completed", eventId: NewId("evt_fuzz_", random))),
        StripeDecoy);

    public static readonly WebhookRoute Messenger = new(
        "messenger",
        "/webhooks/messenger",
        MessengerWebhook.MaxBodyBytes,
        "X-Hub-Signature-256",
        body => WebhookRoute.MetaSignature(body, ProductHost.MetaAppSecret),
        body => WebhookRoute.MetaSignature(body, "another-app-secret"),
        (sentinels, random) => Payloads.MessengerMessages((sentinels.CustomerIds["messenger"], NewId("m_", random), "Is my seat confirmed?")),
        (sentinels, random) => Payloads.MessengerMessages((sentinels.DecoyCustomerIds["messenger"], NewId("m_", random), RandomText(random))));

    public static readonly WebhookRoute X = new(
        "x",
        "/webhooks/x",
        XWebhook.MaxBodyBytes,
        XTestData.SignatureHeader,
        body => WebhookRoute.XSignature(body, XTestData.ConsumerSecret),
        body => WebhookRoute.XSignature(body, "another-consumer-secret"),
        (sentinels, random) => XActivity(sentinels.CustomerIds["x"], NewDigits(random), "Is my seat confirmed?"),
        (sentinels, random) => XActivity(sentinels.DecoyCustomerIds["x"], NewDigits(random), RandomText(random)));

    public static WebhookRoute WhatsApp(int maxBodyBytes) => new(
        "whatsapp",
        "/webhooks/whatsapp",
        maxBodyBytes,
        "X-Hub-Signature-256",
        body => WebhookRoute.MetaSignature(body, ProductHost.MetaAppSecret),
        body => WebhookRoute.MetaSignature(body, "another-app-secret"),
        (sentinels, random) => WhatsAppMessage(sentinels.CustomerIds["whatsapp"], NewId("wamid.HBgL", random), "Is my seat confirmed?"),
        (sentinels, random) => WhatsAppMessage(sentinels.DecoyCustomerIds["whatsapp"], NewId("wamid.HBgL", random), RandomText(random)));

    /// <summary>An id drawn from <paramref name="random"/>, so a seed reproduces the same bodies.</summary>
    public static string NewId(string prefix, Random random) => prefix + random.NextInt64(1L << 40, long.MaxValue).ToString("x16", CultureInfo.InvariantCulture);

    public static string NewDigits(Random random) => random.NextInt64(1_900_000_000_000_000_000, 2_000_000_000_000_000_000).ToString(CultureInfo.InvariantCulture);

    /// <summary>An X Account Activity body with one direct message from <paramref name="senderId"/> to the account.</summary>
    public static byte[] XActivity(string senderId, string eventId, string text) =>
        XTestData.Activity(XTestData.MessageCreate(senderId, eventId, text));

    /// <summary>A WhatsApp Cloud API body with one text message from <paramref name="waId"/> to the business number.</summary>
    public static byte[] WhatsAppMessage(string waId, string messageId, string text)
    {
        var value = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new JsonObject { ["display_phone_number"] = "15550000777", ["phone_number_id"] = WhatsAppPhoneNumberId },
            ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = "Alex Example" }, ["wa_id"] = waId }),
            ["messages"] = new JsonArray(new JsonObject
            {
                ["from"] = waId,
                ["id"] = messageId,
                ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                ["type"] = "text",
                ["text"] = new JsonObject { ["body"] = text },
            }),
        };
        var body = new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "200000000000777",
                ["changes"] = new JsonArray(new JsonObject { ["value"] = value, ["field"] = "messages" }),
            }),
        };

        return Encoding.UTF8.GetBytes(body.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default }));
    }

    /// <summary>
    /// A Stripe event about the decoy order or a payment no order here has: a Checkout Session event, a refund,
    /// a charge or a dispute, in the shapes Stripe.net 53.1.0 reads.
    /// </summary>
    private static byte[] StripeDecoy(Sentinels sentinels, Random random)
    {
        var decoy = sentinels.DecoyOrder;
        var json = random.Next(6) switch
        {
            0 => decoy.Event("checkout.session.completed", eventId: NewId("evt_fuzz_", random)),
            1 => decoy.Event("checkout.session.expired", eventId: NewId("evt_fuzz_", random), paymentStatus: "unpaid", status: "expired"),
            2 => decoy.Event("checkout.session.async_payment_failed", eventId: NewId("evt_fuzz_", random), paymentStatus: "unpaid"),
            3 => PaymentObjectEvent("refund.updated", "refund", decoy.OrderId, random),
            4 => PaymentObjectEvent("charge.refunded", "charge", decoy.OrderId, random),
            _ => PaymentObjectEvent("charge.dispute.created", "dispute", decoy.OrderId, random),
        };

        return Encoding.UTF8.GetBytes(json);
    }

    private static string PaymentObjectEvent(string type, string objectType, string orderId, Random random)
    {
        var prefix = objectType switch { "refund" => "re_", "charge" => "ch_", _ => "dp_" };
        var data = new JsonObject
        {
            ["id"] = NewId(prefix, random),
            ["object"] = objectType,
            ["amount"] = 4500,
            ["amount_refunded"] = 4500,
            ["currency"] = "eur",
            ["charge"] = "ch_fuzz_charge",
            ["payment_intent"] = "pi_fuzz_unknown",
            ["status"] = objectType == "dispute" ? "needs_response" : "succeeded",
            ["reason"] = objectType == "dispute" ? "fraudulent" : null,
            ["metadata"] = new JsonObject { ["order_id"] = orderId },
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };

        return new JsonObject
        {
            ["id"] = NewId("evt_fuzz_", random),
            ["object"] = "event",
            ["api_version"] = "2026-10-28.endive",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["object"] = data },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        }.ToJsonString();
    }

    /// <summary>Short text with accents, emoji and quotes, so escaping paths run too.</summary>
    private static string RandomText(Random random)
    {
        string[] pieces = ["Hello", "Zürich", "🙂", "\"quoted\"", "line\nbreak", "price €45", "日本", "back\\slash", " "];

        return string.Concat(Enumerable.Range(0, random.Next(1, 6)).Select(_ => pieces[random.Next(pieces.Length)]));
    }
}
