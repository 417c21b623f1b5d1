using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Robustness;

/// <summary>
/// Correctly signed bodies with one extreme value each, at the places where the webhook code turns numbers into
/// dates and amounts or ids into grain keys. The fuzzer reaches these only by chance, so they are listed here.
/// Every one must get a 4xx or a 2xx, never a 5xx.
/// </summary>
public sealed class WebhookEdgeCaseTests(QuietProductHost fixture) : IClassFixture<QuietProductHost>
{
    private const string DecoyOrderId = "ord_00000000000000000000000000000000";

    private ProductHost Host => fixture.Host;

    [Theory]
    [InlineData("largest long", "9223372036854775807")]
    [InlineData("one past year 9999", "253402300800000")]
    [InlineData("negative", "-1")]
    public async Task Messenger_ExtremeTimestamp_IsNotServerError(string description, string timestamp)
    {
        var root = JsonNode.Parse(Payloads.MessengerMessages((AgentApi.NewPsid(), "m_edge_" + Guid.NewGuid().ToString("N"), "hello")))!;
        root["entry"]![0]!["messaging"]![0]!["timestamp"] = JsonNode.Parse(timestamp);

        var status = await PostSigned(WebhookRoutes.Messenger, Encoding.UTF8.GetBytes(root.ToJsonString()));

        Assert.True(status < 500, $"{description}: HTTP {status}");
    }

    public static TheoryData<string, string> XTimestamps => new()
    {
        { "largest long", "\"9223372036854775807\"" },
        { "one past year 9999", "\"253402300800000\"" },
        { "beyond long", "\"99999999999999999999\"" },
        { "negative", "\"-5\"" },
    };

    [Theory]
    [MemberData(nameof(XTimestamps))]
    public async Task X_ExtremeTimestamp_IsNotServerError(string description, string timestamp)
    {
        var message = XMessage();
        message["created_timestamp"] = JsonNode.Parse(timestamp);

        var status = await PostSigned(WebhookRoutes.X, Channels.X.XTestData.Activity(message));

        Assert.True(status < 500, $"{description}: HTTP {status}");
    }

    [Theory]
    [InlineData("refund with an empty payment_intent", "refund", 1000, "")]
    [InlineData("charge with an MGA amount that overflows when converted", "charge", long.MaxValue / 10, "pi_edge_unknown")]
    [InlineData("dispute with a negative amount", "dispute", -4500, "pi_edge_unknown")]
    [InlineData("refund with the largest amount", "refund", long.MaxValue, "pi_edge_unknown")]
    public async Task Stripe_ExtremePaymentObject_IsNotServerError(string description, string objectType, long amount, string paymentIntent)
    {
        var type = objectType switch { "refund" => "refund.updated", "charge" => "charge.refunded", _ => "charge.dispute.created" };
        var body = StripeEvent(type, new JsonObject
        {
            ["id"] = objectType[..2] + "_edge_" + Guid.NewGuid().ToString("N")[..12],
            ["object"] = objectType,
            ["amount"] = amount,
            ["amount_refunded"] = amount,
            ["currency"] = description.Contains("MGA", StringComparison.Ordinal) ? "mga" : "eur",
            ["payment_intent"] = paymentIntent,
            ["status"] = "succeeded",
            ["metadata"] = new JsonObject(),
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        });

        var status = await PostSigned(WebhookRoutes.Stripe, body);

        Assert.True(status < 500, $"{description}: HTTP {status}");
    }

    public static TheoryData<string, string> StripeSessionFields => new()
    {
        { "created", "9223372036854775807" },
        { "amount_total", "-9223372036854775808" },
        { "expires_at", "-62135596801" },
        { "client_reference_id", "\"" + new string('9', 5000) + "\"" },
        { "id", "\"cs_" + new string('x', 100_000) + "\"" },
    };

    [Theory]
    [MemberData(nameof(StripeSessionFields))]
    public async Task Stripe_ExtremeSessionField_IsNotServerError(string field, string value)
    {
        var root = JsonNode.Parse(Payloads.StripeCheckoutEvent(
            "checkout.session.completed", LinkSentOrder.NewEventId(), "cs_test_edge_" + Guid.NewGuid().ToString("N"), DecoyOrderId, 4500))!;
        root["data"]!["object"]![field] = JsonNode.Parse(value);

        var status = await PostSigned(WebhookRoutes.Stripe, Encoding.UTF8.GetBytes(root.ToJsonString()));

        Assert.True(status < 500, $"{field} = {value[..Math.Min(40, value.Length)]}: HTTP {status}");
    }

    private static JsonObject XMessage() =>
        Channels.X.XTestData.MessageCreate(Channels.X.XTestData.NewUserId(), Channels.X.XTestData.NewEventId(), "hello");

    private static byte[] StripeEvent(string type, JsonObject dataObject) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["id"] = LinkSentOrder.NewEventId(),
        ["object"] = "event",
        ["api_version"] = "2026-10-28.endive",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["data"] = new JsonObject { ["object"] = dataObject },
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["type"] = type,
    }.ToJsonString());

    private async Task<int> PostSigned(WebhookRoute route, byte[] body)
    {
        using var client = Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, route.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(route.SignatureHeader, route.Sign(body));

        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }
}
