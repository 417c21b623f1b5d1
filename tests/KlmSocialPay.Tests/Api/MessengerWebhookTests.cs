using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Api;

public sealed class MessengerWebhookTests(ProductHost host) : IClassFixture<ProductHost>
{
    [Fact]
    public async Task Verification_MatchingToken_EchoesChallenge()
    {
        using var client = host.CreateClient();

        var response = await client.GetAsync($"/webhooks/messenger?hub.mode=subscribe&hub.verify_token={ProductHost.MetaVerifyToken}&hub.challenge=1158201444");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1158201444", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("subscribe", "wrong-token", "1158201444")]
    [InlineData("unsubscribe", ProductHost.MetaVerifyToken, "1158201444")]
    [InlineData("subscribe", "", "1158201444")]
    [InlineData("subscribe", ProductHost.MetaVerifyToken, "")]
    public async Task Verification_Mismatch_Returns403(string mode, string token, string challenge)
    {
        using var client = host.CreateClient();

        var response = await client.GetAsync($"/webhooks/messenger?hub.mode={mode}&hub.verify_token={token}&hub.challenge={challenge}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Message_SignedByAppSecret_IsRecorded()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var psid = AgentApi.NewPsid();
        var body = Payloads.MessengerMessages((psid, "m_" + Guid.NewGuid().ToString("N"), "Hello, can I add a bag?"));

        var response = await Post(client, body, Signatures.Meta(body, ProductHost.MetaAppSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var conversation = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/messenger/{psid}");
        Assert.Equal("Hello, can I add a bag?", conversation!["messages"]![0]!.Str("text"));
    }

    public static TheoryData<string?> BadSignatures => new()
    {
        null,
        "",
        "sha256=0000000000000000000000000000000000000000000000000000000000000000",
        "sha1=0123456789abcdef0123456789abcdef01234567",
        "sha256=not-hex",
    };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task Message_BadSignature_Returns401AndRecordsNothing(string? signature)
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var psid = AgentApi.NewPsid();
        var body = Payloads.MessengerMessages((psid, "m_" + Guid.NewGuid().ToString("N"), "Hello"));

        var response = await Post(client, body, signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/conversations/messenger/{psid}")).StatusCode);
    }

    [Fact]
    public async Task Message_SignedWithOtherSecret_Returns401()
    {
        using var client = host.CreateClient();
        var body = Payloads.MessengerMessages((AgentApi.NewPsid(), "m_" + Guid.NewGuid().ToString("N"), "Hello"));

        var response = await Post(client, body, Signatures.Meta(body, "another-app-secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Batch_RecordsEveryMessageInOrder()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var first = AgentApi.NewPsid();
        var second = AgentApi.NewPsid();
        var body = Payloads.MessengerMessages(
            (first, "m_" + Guid.NewGuid().ToString("N"), "one"),
            (second, "m_" + Guid.NewGuid().ToString("N"), "other customer"),
            (first, "m_" + Guid.NewGuid().ToString("N"), "two"),
            (first, "m_" + Guid.NewGuid().ToString("N"), "three"));

        var response = await Post(client, body, Signatures.Meta(body, ProductHost.MetaAppSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var conversation = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/messenger/{first}");
        Assert.Equal(["one", "two", "three"], conversation!["messages"]!.AsArray().Select(m => m!.Str("text")));
        var other = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/messenger/{second}");
        Assert.Single(other!["messages"]!.AsArray());
    }

    [Fact]
    public async Task Redelivery_SameMid_RecordsOnce()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var psid = AgentApi.NewPsid();
        var body = Payloads.MessengerMessages((psid, "m_" + Guid.NewGuid().ToString("N"), "only once"));

        await Post(client, body, Signatures.Meta(body, ProductHost.MetaAppSecret));
        var again = await Post(client, body, Signatures.Meta(body, ProductHost.MetaAppSecret));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var conversation = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/messenger/{psid}");
        Assert.Single(conversation!["messages"]!.AsArray());
    }

    [Fact]
    public async Task Echo_OfPageMessage_IsIgnored()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var body = Payloads.FromTemplate("messenger.message_echo.json");

        var response = await Post(client, body, Signatures.Meta(body, ProductHost.MetaAppSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/conversations/messenger/100000000000001")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/conversations/messenger/7000000000000042")).StatusCode);
    }

    [Fact]
    public async Task DeliveryReadAndPostback_AreAcknowledgedAndSkipped()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var body = Payloads.FromTemplate("messenger.delivery_read_postback.json");

        var response = await Post(client, body, Signatures.Meta(body, ProductHost.MetaAppSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/conversations/messenger/7000000000000042")).StatusCode);
    }

    [Fact]
    public async Task EscapedUnicode_VerifiesOverRawBytesAndDecodes()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var body = Payloads.FromTemplate("messenger.message.emoji.json");

        var response = await Post(client, body, Signatures.Meta(body, ProductHost.MetaAppSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var conversation = await agent.GetFromJsonAsync<JsonNode>("/api/conversations/messenger/7000000000000043");
        Assert.Equal("Kan ik betalen? € 45 ✅ 🙏🏽 مرحبا https://example.test/a", conversation!["messages"]![0]!.Str("text"));
    }

    [Fact]
    public async Task AttachmentOnly_IsRecordedWithoutText()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var psid = AgentApi.NewPsid();
        var body = Payloads.MessengerMessages((psid, "m_" + Guid.NewGuid().ToString("N"), null));

        await Post(client, body, Signatures.Meta(body, ProductHost.MetaAppSecret));

        var message = (await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/messenger/{psid}"))!["messages"]![0]!;
        Assert.Null(message["text"]);
        Assert.Equal("image", message["attachments"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"object":"instagram","entry":[]}""")]
    [InlineData("""{"object":"page"}""")]
    [InlineData("""{"object":"page","entry":[{"messaging":[{"sender":{"id":"70001"},"timestamp":"soon","message":{"mid":"m_1","text":"x"}}]}]}""")]
    public async Task MalformedBody_WithValidSignature_Returns400(string json)
    {
        using var client = host.CreateClient();
        var body = System.Text.Encoding.UTF8.GetBytes(json);

        var response = await Post(client, body, Signatures.Meta(body, ProductHost.MetaAppSecret));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<HttpResponseMessage> Post(HttpClient client, byte[] body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/messenger") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature);
        }

        return await client.SendAsync(request);
    }
}
