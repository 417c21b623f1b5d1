using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>The customer endpoint: Messenger webhook bodies as Meta sends them, signed over the raw bytes.</summary>
public sealed class MessengerCustomerTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private const string NonAsciiText = "Prijs: 15 € ✅ 🙏🏽 via a/b";

    private SandboxTestHost Host => fixture.Host;

    private WebhookReceiver Receiver => fixture.Receiver;

    [Fact]
    public async Task CustomerMessage_SignatureVerifiesOverRawBody()
    {
        var psid = MessengerTestData.NewPsid();

        using var response = await MessengerTestData.CustomerWritesAsync(Host, psid, new JsonObject { ["text"] = NonAsciiText });
        var webhook = await WaitForMessengerWebhookAsync(psid);
        var secret = Encoding.UTF8.GetBytes(SandboxTestHost.AppSecret);

        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, webhook.Body)), webhook.Header("X-Hub-Signature-256"));
        Assert.Equal("sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(secret, webhook.Body)), webhook.Header("X-Hub-Signature"));
    }

    [Fact]
    public async Task CustomerMessage_EscapesNonAsciiAndSlash()
    {
        var psid = MessengerTestData.NewPsid();

        using var response = await MessengerTestData.CustomerWritesAsync(Host, psid, new JsonObject { ["text"] = NonAsciiText });
        var webhook = await WaitForMessengerWebhookAsync(psid);

        Assert.All(webhook.Body, value => Assert.True(value < 0x80, "the body must be pure ASCII"));
        Assert.Contains("\\u20ac", webhook.BodyText);
        Assert.Contains("\\u2705", webhook.BodyText);
        Assert.Contains("\\ud83d\\ude4f\\ud83c\\udffd", webhook.BodyText);
        Assert.Contains("a\\/b", webhook.BodyText);
        Assert.Equal(NonAsciiText, JsonNode.Parse(webhook.BodyText)!["entry"]![0]!["messaging"]![0]!["message"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task CustomerMessage_HasMetaEnvelope()
    {
        var psid = MessengerTestData.NewPsid();

        using var response = await MessengerTestData.CustomerWritesAsync(Host, psid, new JsonObject { ["text"] = "Hello" });
        var result = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        var body = JsonNode.Parse((await WaitForMessengerWebhookAsync(psid)).BodyText)!;
        var entry = body["entry"]![0]!;
        var messaging = entry["messaging"]![0]!;

        Assert.Equal("page", body["object"]!.GetValue<string>());
        Assert.Equal(SandboxTestHost.PageId, entry["id"]!.GetValue<string>());
        Assert.InRange(entry["time"]!.GetValue<long>(), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(psid, messaging["sender"]!["id"]!.GetValue<string>());
        Assert.Equal(SandboxTestHost.PageId, messaging["recipient"]!["id"]!.GetValue<string>());
        Assert.Equal(result["mid"]!.GetValue<string>(), messaging["message"]!["mid"]!.GetValue<string>());
        Assert.Equal("Hello", messaging["message"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task CustomerMessage_ReturnsProductStatus()
    {
        var psid = MessengerTestData.NewPsid();
        Receiver.StatusFor = (path, body) => Encoding.UTF8.GetString(body).Contains(psid, StringComparison.Ordinal) ? 403 : 200;

        using var response = await MessengerTestData.CustomerWritesAsync(Host, psid, new JsonObject { ["text"] = "Hello" });
        var result = (await response.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(403, result["statusCode"]!.GetValue<int>());
        Assert.False(result["accepted"]!.GetValue<bool>());
    }

    [Fact]
    public async Task CustomerMessage_ForcedMid_IsSentAgainUnchanged()
    {
        var psid = MessengerTestData.NewPsid();
        var message = new JsonObject { ["text"] = "Hello", ["mid"] = "m_redelivered_0001" };

        using var first = await MessengerTestData.CustomerWritesAsync(Host, psid, message);
        using var second = await MessengerTestData.CustomerWritesAsync(Host, psid, message.DeepClone().AsObject());
        var webhooks = await Receiver.WaitForAsync(request => request.BodyText.Contains(psid, StringComparison.Ordinal), count: 2);

        Assert.All(webhooks, webhook => Assert.Contains("\"mid\":\"m_redelivered_0001\"", webhook.BodyText));
    }

    [Fact]
    public async Task CustomerMessage_AttachmentsOnly_HasNoTextKey()
    {
        var psid = MessengerTestData.NewPsid();
        var attachments = new JsonArray(new JsonObject { ["type"] = "image", ["payload"] = new JsonObject { ["url"] = "https://scontent.example.test/image.jpg" } });

        using var response = await MessengerTestData.CustomerWritesAsync(Host, psid, new JsonObject { ["attachments"] = attachments });
        var message = JsonNode.Parse((await WaitForMessengerWebhookAsync(psid)).BodyText)!["entry"]![0]!["messaging"]![0]!["message"]!.AsObject();

        Assert.False(message.ContainsKey("text"));
        Assert.Equal("image", message["attachments"]![0]!["type"]!.GetValue<string>());
        Assert.Contains("https:\\/\\/scontent.example.test\\/image.jpg", (await WaitForMessengerWebhookAsync(psid)).BodyText);
    }

    [Fact]
    public async Task CustomerPostback_SendsPostbackEvent()
    {
        var psid = MessengerTestData.NewPsid();
        using var client = Host.CreateClient();

        using var response = await client.PostAsJsonAsync($"/sandbox/messenger/customers/{psid}/postbacks", new JsonObject { ["title"] = "Cancel order", ["payload"] = "CANCEL_ORDER:ord_000123" });
        var postback = JsonNode.Parse((await WaitForMessengerWebhookAsync(psid)).BodyText)!["entry"]![0]!["messaging"]![0]!["postback"]!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CANCEL_ORDER:ord_000123", postback["payload"]!.GetValue<string>());
        Assert.StartsWith("m_", postback["mid"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("abc", "{\"text\":\"Hello\"}", "psid")]
    [InlineData("7000000000000001", "{}", "text")]
    [InlineData("7000000000000001", "{\"text\":\"Hello\",\"mid\":\"\"}", "mid")]
    [InlineData("7000000000000001", "{\"attachments\":[{\"payload\":{}}]}", "attachments[0]")]
    [InlineData("7000000000000001", "{\"text\":", "body")]
    public async Task CustomerMessage_InvalidRequest_IsProblemNamingField(string psid, string json, string field)
    {
        using var client = Host.CreateClient();

        using var response = await client.PostAsync($"/sandbox/messenger/customers/{psid}/messages", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task UnreachableWebhook_IsBadGateway()
    {
        var closed = await WebhookReceiver.StartAsync();
        var unreachable = closed.MessengerUrl;
        await closed.DisposeAsync();
        await using var host = await SandboxTestHost.StartAsync(Receiver, new Dictionary<string, string?> { ["Sandbox:Meta:WebhookUrl"] = unreachable });

        using var response = await MessengerTestData.CustomerWritesAsync(host, MessengerTestData.NewPsid(), new JsonObject { ["text"] = "Hello" });
        var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.StartsWith("m_", problem["mid"]!.GetValue<string>());
    }

    [Fact]
    public async Task MessengerPage_LoadsNoExternalAssets()
    {
        using var client = Host.CreateClient();

        var html = await client.GetStringAsync("/sandbox/messenger");

        Assert.Contains("Messenger customer", html);
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("innerHTML", html);
    }

    private async Task<ReceivedWebhook> WaitForMessengerWebhookAsync(string psid) =>
        (await Receiver.WaitForAsync(request =>
            request.Path == "/webhooks/messenger" && request.BodyText.Contains($"\"sender\":{{\"id\":\"{psid}\"}}", StringComparison.Ordinal)))[0];
}
