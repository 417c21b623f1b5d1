using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KlmSocialPay.Api.Channels.X;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Channels.X;

/// <summary>The product's X webhook on the test host: the CRC check, signatures, and which events reach a conversation.</summary>
public sealed class XWebhookTests(ProductHost host) : IClassFixture<ProductHost>
{
    [Fact]
    public async Task Crc_ValidToken_ReturnsResponseToken()
    {
        using var client = host.CreateClient();
        const string CrcToken = "0f6c4a9e-2d1b-4c8a-9e7f-3b5d6a1c2e40";
        var expected = "sha256=" + Convert.ToBase64String(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(XTestData.ConsumerSecret), Encoding.UTF8.GetBytes(CrcToken)));

        var response = await client.GetAsync($"/webhooks/x?crc_token={CrcToken}");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, body!["response_token"]!.GetValue<string>());
    }

    [Fact]
    public void CrcResponseToken_MatchesReference()
    {
        // Reference value from: printf '%s' "$token" | openssl dgst -sha256 -hmac "$secret" -binary | base64
        var token = XSignature.CrcResponseToken(
            "9b4507b3-9040-4669-9ca3-6b94edb50553", "MadeUpConsumerSecret0123456789abcdefghijklmnopqrstu");

        Assert.Equal("sha256=1GQ4A2fqF+Lp58hxQQJmoQe7KdXXn6b66mNbZjdNmB0=", token);
    }

    [Theory]
    [InlineData("/webhooks/x")]
    [InlineData("/webhooks/x?crc_token=")]
    public async Task Crc_MissingToken_Returns400Problem(string path)
    {
        using var client = host.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("crc_token", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Crc_AnswersWithinThreeSeconds()
    {
        using var client = host.CreateClient();
        var stopwatch = Stopwatch.StartNew();

        var response = await client.GetAsync($"/webhooks/x?crc_token={Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task CrcCheck_FromSandbox_IsValid()
    {
        using var client = host.CreateClient();

        var response = await client.PostAsync("/sandbox/x/crc-check", null);
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(result["valid"]!.GetValue<bool>(), result.ToJsonString());
        Assert.Equal(result["expectedResponseToken"]!.GetValue<string>(), result["receivedResponseToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task Message_Signed_IsRecorded()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var userId = XTestData.NewUserId();
        var eventId = XTestData.NewEventId();
        var body = XTestData.Activity(XTestData.MessageCreate(
            userId, eventId, "Can I pay for an extra bag here?", DateTimeOffset.FromUnixTimeMilliseconds(1767225000123)));

        var response = await XTestData.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = (await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/x/{userId}"))!["messages"]![0]!;
        Assert.Equal("Can I pay for an extra bag here?", message.Str("text"));
        Assert.Equal(eventId, message.Str("id"));
        Assert.Equal(DateTimeOffset.Parse("2025-12-31T23:50:00.123Z"), message["at"]!.GetValue<DateTimeOffset>());
    }

    public static TheoryData<string> BadSignatures => new()
    {
        "missing",
        "empty",
        "hex instead of base64",
        "base64 without prefix",
        "other secret",
        "not base64",
        "digest of another body",
    };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task Message_BadSignature_Returns401AndRecordsNothing(string kind)
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var userId = XTestData.NewUserId();
        var body = XTestData.Activity(XTestData.MessageCreate(userId, XTestData.NewEventId(), "Hello"));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(XTestData.ConsumerSecret), body);
        var signature = kind switch
        {
            "missing" => null,
            "empty" => "",
            "hex instead of base64" => "sha256=" + Convert.ToHexStringLower(mac),
            "base64 without prefix" => Convert.ToBase64String(mac),
            "other secret" => XTestData.Sign(body, "another-consumer-secret"),
            "not base64" => "sha256=" + new string('!', 44),
            "digest of another body" => XTestData.Sign([.. body, (byte)' ']),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var response = await XTestData.PostWebhook(client, body, signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/conversations/x/{userId}")).StatusCode);
    }

    [Fact]
    public async Task OwnMessage_Echo_IsIgnored()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var customerId = XTestData.NewUserId();
        var body = XTestData.Activity(XTestData.MessageCreate(
            XTestData.AccountId, XTestData.NewEventId(), "Here is your payment link", recipientId: customerId));

        var response = await XTestData.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/conversations/x/{customerId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/conversations/x/{XTestData.AccountId}")).StatusCode);
    }

    public static TheoryData<string, string> OtherEventKinds => new()
    {
        { "typing", """{"for_user_id":"1500000000000000001","direct_message_indicate_typing_events":[{"created_timestamp":"1767225000000","sender_id":"{user}","target":{"recipient_id":"1500000000000000001"}}],"users":{}}""" },
        { "read", """{"for_user_id":"1500000000000000001","direct_message_mark_read_events":[{"created_timestamp":"1767225000000","sender_id":"{user}","target":{"recipient_id":"1500000000000000001"},"last_read_event_id":"1990000000000000001"}]}""" },
        { "tweet", """{"for_user_id":"1500000000000000001","tweet_create_events":[{"id_str":"1990000000000000002","text":"@airline hello","user":{"id_str":"{user}"}}]}""" },
        { "follow", """{"for_user_id":"1500000000000000001","follow_events":[{"type":"follow","created_timestamp":"1767225000000","target":{"id":"1500000000000000001"},"source":{"id":"{user}"}}]}""" },
        { "revoke", """{"for_user_id":"1500000000000000001","user_event":{"revoke":{"date_time":"2026-01-01T00:00:00.000Z","target":{"app_id":"268278"},"source":{"user_id":"{user}"}}}}""" },
        { "unknown kind", """{"for_user_id":"1500000000000000001","future_kind_events":[{"sender_id":"{user}"}]}""" },
        { "unknown direct message type", """{"for_user_id":"1500000000000000001","direct_message_events":[{"type":"message_delete","id":"1990000000000000003","created_timestamp":"1767225000000","message_create":{"sender_id":"{user}","message_data":{"text":"gone"}}}]}""" },
    };

    [Theory]
    [MemberData(nameof(OtherEventKinds))]
    public async Task OtherEventKind_IsAcknowledgedWithoutConversation(string kind, string template)
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var userId = XTestData.NewUserId();
        var body = Encoding.UTF8.GetBytes(template.Replace("{user}", userId));

        var response = await XTestData.PostSigned(client, body);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{kind}: HTTP {(int)response.StatusCode}");
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/conversations/x/{userId}")).StatusCode);
    }

    [Fact]
    public async Task MediaOnly_IsRecordedWithoutText()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var userId = XTestData.NewUserId();
        var body = XTestData.Activity(XTestData.PhotoMessage(userId, XTestData.NewEventId(), caption: null));

        var response = await XTestData.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = (await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/x/{userId}"))!["messages"]![0]!;
        Assert.Null(message["text"]);
        Assert.Equal(["media"], message["attachments"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task MediaWithCaption_DropsMediaLinkFromText()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var userId = XTestData.NewUserId();
        var body = XTestData.Activity(XTestData.PhotoMessage(userId, XTestData.NewEventId(), caption: "My boarding pass 🛫"));

        await XTestData.PostSigned(client, body);

        var message = (await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/x/{userId}"))!["messages"]![0]!;
        Assert.Equal("My boarding pass 🛫", message.Str("text"));
        Assert.Equal("media", message["attachments"]![0]!.GetValue<string>());
    }

    [Fact]
    public void MediaLink_WithoutUrl_IsCutByCodePointIndices()
    {
        // The emoji is one code point but two UTF-16 units, so UTF-16 offsets would cut one character late.
        var data = new XWebhook.MessageData(
            "😀 hi https://t.co/abcdefghij",
            new XWebhook.MessageAttachment("media", new XWebhook.AttachedMedia(null, [5, 28])));

        Assert.Equal("😀 hi", XWebhook.CustomerText(data));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EmojiAndRightToLeftText_RoundTrip(bool escapeNonAscii)
    {
        const string Text = "مرحبا، أريد الدفع 😀 שלום 🙏🏽 € 45";
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var userId = XTestData.NewUserId();
        var body = XTestData.Serialize(JsonNode.Parse(XTestData.Activity(XTestData.MessageCreate(userId, XTestData.NewEventId(), Text)))!, escapeNonAscii);

        var response = await XTestData.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var conversation = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/x/{userId}");
        Assert.Equal(Text, conversation!["messages"]![0]!.Str("text"));
    }

    [Fact]
    public async Task Batch_RecordsEveryMessageInOrderPerCustomer()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var first = XTestData.NewUserId();
        var second = XTestData.NewUserId();
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var body = XTestData.Activity(
            XTestData.MessageCreate(first, XTestData.NewEventId(), "one", at),
            XTestData.MessageCreate(second, XTestData.NewEventId(), "other customer", at.AddSeconds(1)),
            XTestData.MessageCreate(first, XTestData.NewEventId(), "two", at.AddSeconds(2)),
            XTestData.MessageCreate(first, XTestData.NewEventId(), "three", at.AddSeconds(3)));

        var response = await XTestData.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var conversation = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/x/{first}");
        Assert.Equal(["one", "two", "three"], conversation!["messages"]!.AsArray().Select(m => m!.Str("text")));
        var other = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/x/{second}");
        Assert.Equal("other customer", Assert.Single(other!["messages"]!.AsArray())!.Str("text"));
    }

    [Fact]
    public async Task Batch_OutOfOrder_SortedByTimestamp()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var userId = XTestData.NewUserId();
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var body = XTestData.Activity(
            XTestData.MessageCreate(userId, XTestData.NewEventId(), "second", at.AddSeconds(5)),
            XTestData.MessageCreate(userId, XTestData.NewEventId(), "first", at));

        await XTestData.PostSigned(client, body);

        var conversation = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/x/{userId}");
        Assert.Equal(["first", "second"], conversation!["messages"]!.AsArray().Select(m => m!.Str("text")));
    }

    [Fact]
    public async Task Redelivery_SameEventId_RecordsOnce()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var userId = XTestData.NewUserId();
        var body = XTestData.Activity(XTestData.MessageCreate(userId, XTestData.NewEventId(), "only once"));

        await XTestData.PostSigned(client, body);
        var again = await XTestData.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var conversation = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/x/{userId}");
        Assert.Single(conversation!["messages"]!.AsArray());
    }

    [Fact]
    public async Task OtherAccount_IsAcknowledgedAndSkipped()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var userId = XTestData.NewUserId();
        var root = JsonNode.Parse(XTestData.Activity(XTestData.MessageCreate(userId, XTestData.NewEventId(), "Hello", recipientId: "1500000000000000099")))!;
        root["for_user_id"] = "1500000000000000099";
        var body = XTestData.Serialize(root);

        var response = await XTestData.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/conversations/x/{userId}")).StatusCode);
    }

    public static TheoryData<string, byte[]> MalformedBodies => new()
    {
        { "not JSON", Encoding.UTF8.GetBytes("{not json") },
        { "array", Encoding.UTF8.GetBytes("[]") },
        { "no for_user_id", Encoding.UTF8.GetBytes("""{"direct_message_events":[]}""") },
        { "events not an array", Encoding.UTF8.GetBytes("""{"for_user_id":"1500000000000000001","direct_message_events":{}}""") },
        { "timestamp not a number", Encoding.UTF8.GetBytes("""{"for_user_id":"1500000000000000001","direct_message_events":[{"type":"message_create","id":"1","created_timestamp":"soon","message_create":{"sender_id":"42","message_data":{"text":"x"}}}]}""") },
        { "timestamp out of range", Encoding.UTF8.GetBytes("""{"for_user_id":"1500000000000000001","direct_message_events":[{"type":"message_create","id":"1","created_timestamp":"9223372036854775807","message_create":{"sender_id":"42","message_data":{"text":"x"}}}]}""") },
        { "invalid UTF-8", [.. Encoding.UTF8.GetBytes("""{"for_user_id":"1500000000000000001","x":"""), (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}'] },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task MalformedBody_WithValidSignature_Returns400(string kind, byte[] body)
    {
        using var client = host.CreateClient();

        var response = await XTestData.PostSigned(client, body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{kind}: HTTP {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CustomerMessage_ThroughSandbox_IsRecorded()
    {
        using var client = host.CreateClient();
        using var agent = host.CreateAgentClient();
        var userId = XTestData.NewUserId();

        var response = await client.PostAsJsonAsync($"/sandbox/x/customers/{userId}/messages", new { text = "Is my refund ready? https://example.test/booking/X7K2QP" });
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(200, result["statusCode"]!.GetValue<int>());
        var message = (await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/x/{userId}"))!["messages"]![0]!;
        Assert.Equal(result["eventId"]!.GetValue<string>(), message.Str("id"));
        Assert.StartsWith("Is my refund ready? https://t.co/", message.Str("text"));
    }
}
