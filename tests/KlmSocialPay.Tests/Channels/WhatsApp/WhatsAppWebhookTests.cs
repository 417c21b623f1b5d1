using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;
using static KlmSocialPay.Tests.Channels.WhatsApp.WhatsAppTestData;

namespace KlmSocialPay.Tests.Channels.WhatsApp;

/// <summary>
/// <c>/webhooks/whatsapp</c> on the whole product: Meta's subscription check, signatures over the raw bytes,
/// customer messages of every kind, status callbacks on the product's own messages, batches and redelivery.
/// </summary>
public sealed class WhatsAppWebhookTests(QuietStatusProductHost fixture) : IClassFixture<QuietStatusProductHost>
{
    private ProductHost Host => fixture.Host;

    [Fact]
    public async Task Verification_MatchingToken_EchoesChallenge()
    {
        using var client = Host.CreateClient();

        var response = await client.GetAsync($"/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={VerifyToken}&hub.challenge=1158201444");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1158201444", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("subscribe", "wrong-token", "1158201444")]
    [InlineData("unsubscribe", VerifyToken, "1158201444")]
    [InlineData("subscribe", "", "1158201444")]
    [InlineData("subscribe", VerifyToken, "")]
    public async Task Verification_Mismatch_Returns403Problem(string mode, string token, string challenge)
    {
        using var client = Host.CreateClient();

        var response = await client.GetAsync($"/webhooks/whatsapp?hub.mode={mode}&hub.verify_token={token}&hub.challenge={challenge}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
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
    public async Task Message_BadSignature_Returns401(string? signature)
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var waId = NewWaId();
        var body = Changes(MessagesChange(TextMessage(waId, NewWamid(), "Hello")));

        var response = await PostWebhook(client, body, signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/conversations/whatsapp/{waId}")).StatusCode);
    }

    [Fact]
    public async Task Message_SignedWithOtherSecret_Returns401()
    {
        using var client = Host.CreateClient();
        var body = Changes(MessagesChange(TextMessage(NewWaId(), NewWamid(), "Hello")));

        var response = await PostWebhook(client, body, Signatures.Meta(body, "another-app-secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TextMessage_IsRecordedUnderWaId()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var waId = NewWaId();
        var wamid = NewWamid();
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30);

        var response = await PostSigned(client, Changes(MessagesChange(TextMessage(waId, wamid, "Hello, can I add a bag?", sentAt))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var conversation = await Conversation(agent, waId);
        var message = Assert.Single(conversation["messages"]!.AsArray())!;
        Assert.Equal("whatsapp", conversation.Str("channel"));
        Assert.Equal(wamid, message.Str("id"));
        Assert.Equal("inbound", message.Str("direction"));
        Assert.Equal("Hello, can I add a bag?", message.Str("text"));
        Assert.Equal(sentAt, message["at"]!.GetValue<DateTimeOffset>());
    }

    [Theory]
    [InlineData("image")]
    [InlineData("audio")]
    [InlineData("video")]
    [InlineData("document")]
    [InlineData("sticker")]
    [InlineData("location")]
    [InlineData("contacts")]
    public async Task MediaMessage_IsRecordedWithoutText(string type)
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var waId = NewWaId();

        var response = await PostSigned(client, Changes(MessagesChange(MediaMessage(waId, NewWamid(), type))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = (await Conversation(agent, waId))["messages"]![0]!;
        Assert.Null(message["text"]);
        Assert.Equal([type], message["attachments"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task ButtonAndInteractiveReplies_AreRecordedAsText()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var waId = NewWaId();
        var button = new JsonObject
        {
            ["from"] = waId, ["id"] = NewWamid(), ["timestamp"] = Seconds(DateTimeOffset.UtcNow), ["type"] = "button",
            ["button"] = new JsonObject { ["payload"] = "YES", ["text"] = "Yes, send it" },
        };
        var interactive = new JsonObject
        {
            ["from"] = waId, ["id"] = NewWamid(), ["timestamp"] = Seconds(DateTimeOffset.UtcNow), ["type"] = "interactive",
            ["interactive"] = new JsonObject
            {
                ["type"] = "button_reply",
                ["button_reply"] = new JsonObject { ["id"] = "pay-later", ["title"] = "Pay later" },
            },
        };

        await PostSigned(client, Changes(MessagesChange(button, interactive)));

        var messages = (await Conversation(agent, waId))["messages"]!.AsArray();
        Assert.Equal(["Yes, send it", "Pay later"], messages.Select(m => m!.Str("text")));
    }

    [Fact]
    public async Task Reaction_IsAcknowledgedAndSkipped()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var waId = NewWaId();
        var reaction = new JsonObject
        {
            ["from"] = waId, ["id"] = NewWamid(), ["timestamp"] = Seconds(DateTimeOffset.UtcNow), ["type"] = "reaction",
            ["reaction"] = new JsonObject { ["message_id"] = NewWamid(), ["emoji"] = "👍" },
        };

        var response = await PostSigned(client, Changes(MessagesChange(reaction)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/conversations/whatsapp/{waId}")).StatusCode);
    }

    [Fact]
    public async Task OtherField_IsAcknowledgedAndSkipped()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var waId = NewWaId();
        var change = MessagesChange(TextMessage(waId, NewWamid(), "Not a message field"));
        change["field"] = "message_template_status_update";

        var response = await PostSigned(client, Changes(change));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/conversations/whatsapp/{waId}")).StatusCode);
    }

    [Fact]
    public async Task OtherPhoneNumber_IsAcknowledgedAndSkipped()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var waId = NewWaId();
        var change = MessagesChange(TextMessage(waId, NewWamid(), "Written to another number of the account"));
        change["value"]!["metadata"]!["phone_number_id"] = "100000000000999";

        var response = await PostSigned(client, Changes(change));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/conversations/whatsapp/{waId}")).StatusCode);
    }

    [Fact]
    public async Task StatusesOnly_AreRecordedInOrder()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var (waId, _, wamid) = await LinkSent(client, agent);
        var recorded = new List<string>();

        foreach (var status in new[] { "sent", "delivered", "read" })
        {
            var response = await PostSigned(client, Changes(StatusesChange(Status(wamid, status, waId))));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            recorded.Add((await OutboundMessage(agent, waId)).Str("delivery"));
        }

        Assert.Equal(["sent", "delivered", "read"], recorded);
    }

    [Fact]
    public async Task DeliveredAfterRead_StaysRead()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var (waId, _, wamid) = await LinkSent(client, agent);

        await PostSigned(client, Changes(StatusesChange(Status(wamid, "read", waId))));
        var late = await PostSigned(client, Changes(StatusesChange(Status(wamid, "delivered", waId, DateTimeOffset.UtcNow.AddSeconds(-5)))));

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal("read", (await OutboundMessage(agent, waId)).Str("delivery"));
    }

    [Fact]
    public async Task Failed_RecordsErrorCode()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var (waId, _, wamid) = await LinkSent(client, agent);

        var response = await PostSigned(client, Changes(StatusesChange(Status(wamid, "failed", waId, errorCode: 131026))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = await OutboundMessage(agent, waId);
        Assert.Equal("failed", message.Str("delivery"));
        Assert.Equal("131026", message.Str("deliveryError"));
    }

    [Fact]
    public async Task Status_ForUnknownMessage_IsAcknowledged()
    {
        using var client = Host.CreateClient();

        var response = await PostSigned(client, Changes(StatusesChange(Status(NewWamid(), "delivered", NewWaId()))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Batch_AllChanges_RecordedInOrder()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var first = NewWaId();
        var second = NewWaId();
        var (linked, _, wamid) = await LinkSent(client, agent);
        var accountUpdate = Change(new JsonObject { ["phone_number"] = "15550000777", ["event"] = "VERIFIED_ACCOUNT" }, "account_update");

        var body = Notification(
            new JsonArray(
                MessagesChange(TextMessage(first, NewWamid(), "one"), TextMessage(second, NewWamid(), "other customer")),
                accountUpdate),
            new JsonArray(
                MessagesChange(TextMessage(first, NewWamid(), "two"), TextMessage(first, NewWamid(), "three")),
                StatusesChange(Status(wamid, "delivered", linked))));
        var response = await PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["one", "two", "three"], (await Conversation(agent, first))["messages"]!.AsArray().Select(m => m!.Str("text")));
        Assert.Single((await Conversation(agent, second))["messages"]!.AsArray());
        Assert.Equal("delivered", (await OutboundMessage(agent, linked)).Str("delivery"));
    }

    [Fact]
    public async Task Redelivery_SameWamid_RecordsOnce()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var waId = NewWaId();
        var body = Changes(MessagesChange(TextMessage(waId, NewWamid(), "only once")));

        await PostSigned(client, body);
        var again = await PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single((await Conversation(agent, waId))["messages"]!.AsArray());
    }

    private const string EmojiAndRightToLeft = "Kan ik betalen? € 45 ✅ 🙏🏽 مرحبا שלום https://example.test/a";

    [Fact]
    public async Task EscapedEmojiAndRtl_VerifiesAndDecodes()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var waId = NewWaId();
        var body = Changes(MessagesChange(TextMessage(waId, NewWamid(), EmojiAndRightToLeft)));

        var response = await PostSigned(client, body);

        Assert.All(body, value => Assert.True(value < 0x80, "Meta's body is pure ASCII"));
        Assert.Contains("\\ud83d\\ude4f\\ud83c\\udffd", Encoding.ASCII.GetString(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(EmojiAndRightToLeft, (await Conversation(agent, waId))["messages"]![0]!.Str("text"));
    }

    [Fact]
    public async Task SignatureOfReserializedBody_IsRejected()
    {
        using var client = Host.CreateClient();
        var body = Changes(MessagesChange(TextMessage(NewWaId(), NewWamid(), EmojiAndRightToLeft)));
        var reserialized = Encoding.UTF8.GetBytes(JsonNode.Parse(body)!.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));

        var response = await PostWebhook(client, body, Signatures.Meta(reserialized, AppSecret));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"object":"page","entry":[]}""")]
    [InlineData("""{"object":"whatsapp_business_account"}""")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"31600000001","id":"wamid.x","timestamp":"soon","type":"text","text":{"body":"x"}}]}}]}]}""")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":[{"id":"wamid.x","status":"read","timestamp":"-5","recipient_id":"31600000001"}]}}]}]}""")]
    public async Task MalformedBody_Returns400Problem(string json)
    {
        using var client = Host.CreateClient();

        var response = await PostSigned(client, Encoding.UTF8.GetBytes(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task MalformedTimestamp_ProblemNamesTheField()
    {
        using var client = Host.CreateClient();
        var message = TextMessage(NewWaId(), NewWamid(), "x");
        message["timestamp"] = "soon";

        var response = await PostSigned(client, Changes(MessagesChange(message)));

        Assert.Contains("entry[0].changes[0].value.messages[0].timestamp", await response.Content.ReadAsStringAsync());
    }
}
