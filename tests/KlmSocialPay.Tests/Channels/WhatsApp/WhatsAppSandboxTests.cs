using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;
using KlmSocialPay.Tests.Sandbox;
using static KlmSocialPay.Tests.Channels.WhatsApp.WhatsAppTestData;

namespace KlmSocialPay.Tests.Channels.WhatsApp;

/// <summary>The sandbox alone with its webhooks going to a recording receiver; status webhooks follow a send within 50 ms.</summary>
public sealed class WhatsAppSandboxFixture : IAsyncLifetime
{
    internal WebhookReceiver Receiver { get; private set; } = null!;

    internal SandboxTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        Host = await SandboxTestHost.StartAsync(Receiver, new Dictionary<string, string?>
        {
            ["Sandbox:WhatsApp:WebhookUrl"] = new Uri(Receiver.BaseAddress, "webhooks/whatsapp").ToString(),
            ["Sandbox:WhatsApp:StatusDelay"] = "00:00:00.050",
            ["Sandbox:WhatsApp:NoAnswerHold"] = "00:00:01",
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>
/// The WhatsApp stand-in: the send endpoint's responses and errors, failure injection, the customer service
/// window, and the signed webhooks for customer messages and statuses.
/// </summary>
public sealed class WhatsAppSandboxTests(WhatsAppSandboxFixture fixture) : IClassFixture<WhatsAppSandboxFixture>
{
    private const string SendPath = $"/sandbox/whatsapp/v25.0/{PhoneNumberId}/messages";

    private SandboxTestHost Host => fixture.Host;

    private WebhookReceiver Receiver => fixture.Receiver;

    [Fact]
    public async Task SendText_RespondsLikeCloudApi()
    {
        var waId = await CustomerWhoWrote();

        var (response, body) = await Send(TextRequest("+" + waId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("x-fb-trace-id").Single()));
        Assert.Equal("whatsapp", body.Str("messaging_product"));
        Assert.Equal("+" + waId, body["contacts"]![0]!.Str("input"));
        Assert.Equal(waId, body["contacts"]![0]!.Str("wa_id"));
        Assert.StartsWith("wamid.", body["messages"]![0]!.Str("id"));
    }

    [Fact]
    public async Task SendCtaUrl_IsRecorded()
    {
        var waId = await CustomerWhoWrote();

        var (response, body) = await Send(CtaRequest(waId));
        using var client = Host.CreateClient();
        var recorded = Assert.Single((await client.GetFromJsonAsync<JsonArray>($"/sandbox/whatsapp/messages?recipientId={waId}"))!)!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body["messages"]![0]!.Str("id"), recorded.Str("id"));
        Assert.Equal("interactive", recorded.Str("type"));
        Assert.Equal("https://example.test/pay", recorded["content"]!["action"]!["parameters"]!.Str("url"));
    }

    [Fact]
    public async Task Send_InvalidToken_Is401Code190()
    {
        var (response, body) = await Send(TextRequest(NewWaId()), token: "wrong-token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(190, body["error"]!["code"]!.GetValue<int>());
        Assert.Equal("OAuthException", body["error"]!.Str("type"));
        Assert.StartsWith("OAuth", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Send_NoToken_IsCode104()
    {
        var (response, body) = await Send(TextRequest(NewWaId()), token: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(104, body["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Send_OtherPhoneNumberId_IsCode100()
    {
        var (response, body) = await Send(TextRequest(NewWaId()), path: "/sandbox/whatsapp/v25.0/100000000000999/messages");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(100, body["error"]!["code"]!.GetValue<int>());
        Assert.Contains("100000000000999", body["error"]!.Str("message"));
    }

    public static TheoryData<string, string> InvalidRequests => new()
    {
        { """{"recipient_type":"individual","to":"31600000001","type":"text","text":{"body":"x"}}""", "messaging_product" },
        { """{"messaging_product":"whatsapp","recipient_type":"group","to":"31600000001","type":"text","text":{"body":"x"}}""", "recipient_type" },
        { """{"messaging_product":"whatsapp","to":"call me","type":"text","text":{"body":"x"}}""", "to must be" },
        { """{"messaging_product":"whatsapp","to":"31600000001","type":"text","text":{"body":""}}""", "text.body" },
        { """{"messaging_product":"whatsapp","to":"31600000001","type":"template","template":{"name":"hello_world"}}""", "does not simulate" },
        { """{"messaging_product":"whatsapp","to":"31600000001","type":"interactive","interactive":{"type":"button","body":{"text":"x"}}}""", "cta_url" },
        { """{"messaging_product":"whatsapp","to":"31600000001","type":"interactive","interactive":{"type":"cta_url","body":{"text":"x"},"action":{"name":"cta_url","parameters":{"display_text":"This label is far too long","url":"https://example.test"}}}}""", "display_text must be at most 20" },
        { """{"messaging_product":"whatsapp","to":"31600000001","type":"interactive","interactive":{"type":"cta_url","body":{"text":"x"},"action":{"name":"cta_url","parameters":{"display_text":"Pay","url":"ftp://example.test"}}}}""", "parameters.url" },
        { """{"messaging_product":"whatsapp","to":"31600000001","type":"interactive","interactive":{"type":"cta_url","body":{"text":"x"},"action":{"name":"cta_copy","parameters":{"display_text":"Pay","url":"https://example.test"}}}}""", "action.name" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Send_InvalidBody_IsCode100(string json, string detail)
    {
        var (response, body) = await Send(JsonNode.Parse(json)!.AsObject());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(100, body["error"]!["code"]!.GetValue<int>());
        Assert.Equal("whatsapp", body["error"]!["error_data"]!.Str("messaging_product"));
        Assert.Contains(detail, body["error"]!["error_data"]!.Str("details"));
    }

    [Fact]
    public async Task Send_LongTexts_AreCheckedAgainstLimits()
    {
        var waId = await CustomerWhoWrote();
        var text = TextRequest(waId);
        text["text"]!["body"] = new string('x', 4097);
        var cta = CtaRequest(waId);
        cta["interactive"]!["body"]!["text"] = new string('x', 1025);

        var (textResponse, textBody) = await Send(text);
        var (ctaResponse, ctaBody) = await Send(cta);

        Assert.Equal(HttpStatusCode.BadRequest, textResponse.StatusCode);
        Assert.Contains("at most 4096", textBody["error"]!["error_data"]!.Str("details"));
        Assert.Equal(HttpStatusCode.BadRequest, ctaResponse.StatusCode);
        Assert.Contains("at most 1024", ctaBody["error"]!["error_data"]!.Str("details"));
    }

    [Fact]
    public async Task Send_AfterCustomerServiceWindow_IsCode131047()
    {
        var waId = await CustomerWhoWrote();

        await Host.SetClockOffsetAsync(TimeSpan.FromHours(25));
        try
        {
            var (response, body) = await Send(TextRequest(waId));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(131047, body["error"]!["code"]!.GetValue<int>());
            Assert.Contains("24 hours", body["error"]!["error_data"]!.Str("details"));
        }
        finally
        {
            await Host.SetClockOffsetAsync(TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task InjectedFailure_IsUsedUpAfterCount()
    {
        var waId = await CustomerWhoWrote();
        using var client = Host.CreateClient();
        var injected = await client.PostAsJsonAsync("/sandbox/whatsapp/failures", new { recipientId = waId, code = 131026, count = 2 });

        var first = await Send(TextRequest(waId));
        var second = await Send(TextRequest(waId));
        var third = await Send(TextRequest(waId));

        Assert.Equal(HttpStatusCode.Created, injected.StatusCode);
        Assert.Equal(131026, first.Body["error"]!["code"]!.GetValue<int>());
        Assert.Equal(131026, second.Body["error"]!["code"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, third.Response.StatusCode);
    }

    [Theory]
    [InlineData("""{"recipientId":"31600000001","code":12345}""", "code")]
    [InlineData("""{"recipientId":"31600000001","code":"later"}""", "code")]
    [InlineData("""{"recipientId":"not-a-wa-id","code":131026}""", "recipientId")]
    [InlineData("""{"recipientId":"31600000001","code":131026,"count":0}""", "count")]
    public async Task FailureRule_Invalid_Returns400(string json, string field)
    {
        using var client = Host.CreateClient();

        var response = await client.PostAsync("/sandbox/whatsapp/failures", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task AcceptedSend_PostsSignedSentThenDeliveredStatuses()
    {
        var waId = await CustomerWhoWrote();
        var request = TextRequest(waId);
        request["biz_opaque_callback_data"] = "msg_sandbox_test";

        var wamid = (await Send(request)).Body["messages"]![0]!.Str("id");
        var webhooks = await Receiver.WaitForAsync(webhook => webhook.BodyText.Contains("\"statuses\"") && webhook.BodyText.Contains(waId), count: 2);
        var statuses = webhooks.Select(webhook => JsonNode.Parse(webhook.BodyText)!["entry"]![0]!["changes"]![0]!["value"]!["statuses"]![0]!).ToList();

        Assert.Equal(["sent", "delivered"], statuses.Select(status => status.Str("status")));
        Assert.All(statuses, status => Assert.Equal(wamid, status.Str("id")));
        Assert.All(statuses, status => Assert.Equal(waId, status.Str("recipient_id")));
        Assert.All(statuses, status => Assert.Equal("msg_sandbox_test", status.Str("biz_opaque_callback_data")));
        Assert.All(webhooks, webhook => Assert.Equal(Sign(webhook.Body), webhook.Header("X-Hub-Signature-256")));
    }

    [Fact]
    public async Task Read_PostsReadStatusForUnreadMessages()
    {
        var waId = await CustomerWhoWrote();
        var wamid = (await Send(TextRequest(waId))).Body["messages"]![0]!.Str("id");
        using var client = Host.CreateClient();

        var response = await client.PostAsync($"/sandbox/whatsapp/customers/{waId}/read", null);
        var results = (await response.Content.ReadFromJsonAsync<JsonArray>())!;
        var webhook = (await Receiver.WaitForAsync(w => w.BodyText.Contains("\"read\"") && w.BodyText.Contains(waId))).Single();

        Assert.Equal(wamid, Assert.Single(results)!.Str("wamid"));
        Assert.Equal(wamid, JsonNode.Parse(webhook.BodyText)!["entry"]![0]!["changes"]![0]!["value"]!["statuses"]![0]!.Str("id"));
    }

    [Fact]
    public async Task CustomerMessage_HasCloudApiEnvelope()
    {
        var waId = NewWaId();
        using var client = Host.CreateClient();

        var result = await CustomerWrites(client, waId, "Hello");
        var body = JsonNode.Parse((await WaitForCustomerMessage(waId)).BodyText)!;
        var entry = body["entry"]![0]!;
        var change = entry["changes"]![0]!;
        var value = change["value"]!;
        var message = value["messages"]![0]!;

        Assert.Equal("whatsapp_business_account", body.Str("object"));
        Assert.Equal(BusinessAccountId, entry.Str("id"));
        Assert.Equal("messages", change.Str("field"));
        Assert.Equal("whatsapp", value.Str("messaging_product"));
        Assert.Equal(PhoneNumberId, value["metadata"]!.Str("phone_number_id"));
        Assert.Equal("15550000777", value["metadata"]!.Str("display_phone_number"));
        Assert.Equal("Alex Example", value["contacts"]![0]!["profile"]!.Str("name"));
        Assert.Equal(waId, value["contacts"]![0]!.Str("wa_id"));
        Assert.Equal(waId, message.Str("from"));
        Assert.Equal(result.Str("wamid"), message.Str("id"));
        Assert.StartsWith("wamid.", message.Str("id"));
        Assert.InRange(long.Parse(message.Str("timestamp")), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal("text", message.Str("type"));
        Assert.Equal("Hello", message["text"]!.Str("body"));
    }

    [Fact]
    public async Task CustomerMessage_IsEscapedLikeMetaAndSigned()
    {
        const string text = "Prijs: 15 € ✅ 🙏🏽 مرحبا via a/b";
        var waId = NewWaId();
        using var client = Host.CreateClient();

        await CustomerWrites(client, waId, text);
        var webhook = await WaitForCustomerMessage(waId);

        Assert.All(webhook.Body, value => Assert.True(value < 0x80, "the body must be pure ASCII"));
        Assert.Contains("\\u20ac", webhook.BodyText);
        Assert.Contains("\\ud83d\\ude4f\\ud83c\\udffd", webhook.BodyText);
        Assert.Contains("a\\/b", webhook.BodyText);
        Assert.Equal(Sign(webhook.Body), webhook.Header("X-Hub-Signature-256"));
        Assert.Equal(text, JsonNode.Parse(webhook.BodyText)!["entry"]![0]!["changes"]![0]!["value"]!["messages"]![0]!["text"]!.Str("body"));
    }

    [Fact]
    public async Task CustomerMessage_GivenWamid_IsReused()
    {
        var waId = NewWaId();
        var wamid = NewWamid();
        using var client = Host.CreateClient();

        var first = await client.PostAsJsonAsync($"/sandbox/whatsapp/customers/{waId}/messages", new { text = "again", wamid });
        var second = await client.PostAsJsonAsync($"/sandbox/whatsapp/customers/{waId}/messages", new { text = "again", wamid });

        Assert.Equal(wamid, (await first.Content.ReadFromJsonAsync<JsonNode>())!.Str("wamid"));
        Assert.Equal(wamid, (await second.Content.ReadFromJsonAsync<JsonNode>())!.Str("wamid"));
    }

    [Fact]
    public async Task CustomerMessage_EmptyText_Returns400NamingText()
    {
        using var client = Host.CreateClient();

        var response = await client.PostAsJsonAsync($"/sandbox/whatsapp/customers/{NewWaId()}/messages", new { text = " " });
        var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["text"]);
    }

    private static JsonObject TextRequest(string to) => new()
    {
        ["messaging_product"] = "whatsapp",
        ["recipient_type"] = "individual",
        ["to"] = to,
        ["type"] = "text",
        ["text"] = new JsonObject { ["preview_url"] = false, ["body"] = "Your seat is confirmed." },
    };

    private static JsonObject CtaRequest(string to) => new()
    {
        ["messaging_product"] = "whatsapp",
        ["recipient_type"] = "individual",
        ["to"] = to,
        ["type"] = "interactive",
        ["interactive"] = new JsonObject
        {
            ["type"] = "cta_url",
            ["body"] = new JsonObject { ["text"] = "Here is your secure payment link." },
            ["action"] = new JsonObject
            {
                ["name"] = "cta_url",
                ["parameters"] = new JsonObject { ["display_text"] = "Pay now", ["url"] = "https://example.test/pay" },
            },
        },
    };

    private async Task<(HttpResponseMessage Response, JsonNode Body)> Send(JsonObject request, string? token = AccessToken, string path = SendPath)
    {
        using var client = Host.CreateClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(request) };
        if (token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await client.SendAsync(message);
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private async Task<string> CustomerWhoWrote()
    {
        var waId = NewWaId();
        using var client = Host.CreateClient();
        await CustomerWrites(client, waId, "Hi");
        return waId;
    }

    private async Task<ReceivedWebhook> WaitForCustomerMessage(string waId) =>
        (await Receiver.WaitForAsync(webhook => webhook.Path == "/webhooks/whatsapp" && webhook.BodyText.Contains("\"messages\"") && webhook.BodyText.Contains(waId))).Single();

    private static string Sign(byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(AppSecret), body));
}
