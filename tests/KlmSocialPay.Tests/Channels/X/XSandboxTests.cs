using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Sandbox;

namespace KlmSocialPay.Tests.Channels.X;

/// <summary>The sandbox alone on loopback, sending its X webhooks to a <see cref="WebhookReceiver"/>.</summary>
public sealed class XSandboxFixture : IAsyncLifetime
{
    internal WebhookReceiver Receiver { get; private set; } = null!;

    internal SandboxTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        Host = await SandboxTestHost.StartAsync(Receiver, new Dictionary<string, string?>
        {
            ["Sandbox:X:WebhookUrl"] = new Uri(Receiver.BaseAddress, "webhooks/x").ToString(),
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>The X stand-in: the DM endpoint with X's responses, failure injection, and the customer side's Account Activity bodies.</summary>
public sealed class XSandboxTests(XSandboxFixture fixture) : IClassFixture<XSandboxFixture>
{
    private SandboxTestHost Host => fixture.Host;

    private WebhookReceiver Receiver => fixture.Receiver;

    [Fact]
    public async Task Dm_Accepted_Returns201LikeX()
    {
        var userId = XTestData.NewUserId();

        var (response, body) = await SendDm(userId, new JsonObject { ["text"] = "Your link: https://example.test/pay" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"{XTestData.AccountId}-{userId}", body["data"]!["dm_conversation_id"]!.GetValue<string>());
        Assert.Matches("^[0-9]{19}$", body["data"]!["dm_event_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Dm_Accepted_CarriesRateLimitHeaders()
    {
        var (response, _) = await SendDm(XTestData.NewUserId(), new JsonObject { ["text"] = "Hello" });
        var reset = long.Parse(Header(response, "x-rate-limit-reset"), CultureInfo.InvariantCulture);

        Assert.Equal("200", Header(response, "x-rate-limit-limit"));
        Assert.InRange(int.Parse(Header(response, "x-rate-limit-remaining"), CultureInfo.InvariantCulture), 0, 199);
        Assert.InRange(reset, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(15).ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public async Task Dm_Accepted_IsRecorded()
    {
        var userId = XTestData.NewUserId();

        var (_, body) = await SendDm(userId, new JsonObject { ["text"] = "Merci 🙏🏽" });
        using var client = Host.CreateClient();
        var recorded = (await client.GetFromJsonAsync<JsonArray>($"/sandbox/x/messages?recipientId={userId}"))!;

        var message = Assert.Single(recorded)!;
        Assert.Equal(body["data"]!["dm_event_id"]!.GetValue<string>(), message["eventId"]!.GetValue<string>());
        Assert.Equal("Merci 🙏🏽", message["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task Dm_BadToken_Returns401Problem(string? token)
    {
        var (response, body) = await SendDm(XTestData.NewUserId(), new JsonObject { ["text"] = "Hello" }, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Unauthorized", body["title"]!.GetValue<string>());
        Assert.Equal(401, body["status"]!.GetValue<int>());
        Assert.Equal("about:blank", body["type"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string> InvalidDms => new()
    {
        { "neither text nor attachments", "{}", "text" },
        { "empty text", """{"text":""}""", "text" },
        { "text over 10,000 characters", $$"""{"text":"{{new string('a', 10_001)}}"}""", "text" },
        { "text not a string", """{"text":42}""", "text" },
        { "two attachments", """{"attachments":[{"media_id":"1"},{"media_id":"2"}]}""", "attachments" },
        { "attachment without media_id", """{"attachments":[{}]}""", "attachments" },
    };

    [Theory]
    [MemberData(nameof(InvalidDms))]
    public async Task Dm_Invalid_Returns400NamingParameter(string kind, string json, string parameter)
    {
        var (response, body) = await SendDm(XTestData.NewUserId(), JsonNode.Parse(json)!.AsObject());

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{kind}: HTTP {(int)response.StatusCode}");
        Assert.Equal("https://api.twitter.com/2/problems/invalid-request", body["type"]!.GetValue<string>());
        Assert.NotNull(body["errors"]![0]!["parameters"]![parameter]);
    }

    [Fact]
    public async Task Dm_TenThousandEmoji_IsAccepted()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 10_000));

        var (response, _) = await SendDm(XTestData.NewUserId(), new JsonObject { ["text"] = text });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Dm_MediaOnly_IsAccepted()
    {
        var (response, _) = await SendDm(XTestData.NewUserId(), JsonNode.Parse("""{"attachments":[{"media_id":"1990000000000000004"}]}""")!.AsObject());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Dm_InvalidParticipant_Returns400()
    {
        var (response, body) = await SendDm("not-a-user", new JsonObject { ["text"] = "Hello" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(body["errors"]![0]!["parameters"]!["participant_id"]);
    }

    [Theory]
    [InlineData(403, "Forbidden")]
    [InlineData(429, "Too Many Requests")]
    [InlineData(500, "Internal Server Error")]
    public async Task InjectedFailure_AnswersInXShape(int status, string title)
    {
        var userId = XTestData.NewUserId();
        await InjectFailure(userId, status, count: 1);

        var (response, body) = await SendDm(userId, new JsonObject { ["text"] = "Hello" });

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(title, body["title"]!.GetValue<string>());
        Assert.Equal(status, body["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task InjectedRateLimit_ReportsNothingRemaining()
    {
        var userId = XTestData.NewUserId();
        await InjectFailure(userId, 429, count: 1);

        var (response, _) = await SendDm(userId, new JsonObject { ["text"] = "Hello" });

        Assert.Equal("0", Header(response, "x-rate-limit-remaining"));
        Assert.True(long.Parse(Header(response, "x-rate-limit-reset"), CultureInfo.InvariantCulture) >= DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task InjectedFailure_StopsAfterCount()
    {
        var userId = XTestData.NewUserId();
        await InjectFailure(userId, 500, count: 2);

        var first = (await SendDm(userId, new JsonObject { ["text"] = "1" })).Response.StatusCode;
        var second = (await SendDm(userId, new JsonObject { ["text"] = "2" })).Response.StatusCode;
        var third = (await SendDm(userId, new JsonObject { ["text"] = "3" })).Response.StatusCode;

        Assert.Equal(HttpStatusCode.InternalServerError, first);
        Assert.Equal(HttpStatusCode.InternalServerError, second);
        Assert.Equal(HttpStatusCode.Created, third);
    }

    [Theory]
    [InlineData("""{"recipientId":"1600000000000000001","status":404}""", "status")]
    [InlineData("""{"recipientId":"abc","status":403}""", "recipientId")]
    [InlineData("""{"recipientId":"1600000000000000001","status":403,"count":0}""", "count")]
    public async Task FailureRule_Invalid_Returns400NamingField(string json, string field)
    {
        using var client = Host.CreateClient();

        var response = await client.PostAsync("/sandbox/x/failures", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task CustomerMessage_SignatureIsBase64()
    {
        var userId = XTestData.NewUserId();

        await CustomerWrites(userId, new { text = "Prijs: 15 € ✅ مرحبا" });
        var webhook = await WaitForWebhook(userId);

        Assert.Equal(XTestData.Sign(webhook.Body), webhook.Header(XTestData.SignatureHeader));
    }

    [Fact]
    public async Task CustomerMessage_HasAccountActivityShape()
    {
        var userId = XTestData.NewUserId();

        var result = await CustomerWrites(userId, new { text = "Hello" });
        var body = JsonNode.Parse((await WaitForWebhook(userId)).BodyText)!;
        var dm = body["direct_message_events"]![0]!;
        var create = dm["message_create"]!;

        Assert.Equal(XTestData.AccountId, body["for_user_id"]!.GetValue<string>());
        Assert.Equal("message_create", dm["type"]!.GetValue<string>());
        Assert.Equal(result["eventId"]!.GetValue<string>(), dm["id"]!.GetValue<string>());
        Assert.InRange(long.Parse(dm["created_timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(userId, create["sender_id"]!.GetValue<string>());
        Assert.Equal(XTestData.AccountId, create["target"]!["recipient_id"]!.GetValue<string>());
        Assert.Equal("Hello", create["message_data"]!["text"]!.GetValue<string>());
        Assert.Empty(create["message_data"]!["entities"]!["hashtags"]!.AsArray());
        Assert.Equal(userId, body["users"]![userId]!["id"]!.GetValue<string>());
        Assert.Equal(XTestData.AccountId, body["users"]![XTestData.AccountId]!["id"]!.GetValue<string>());
        Assert.NotNull(body["apps"]![create["source_app_id"]!.GetValue<string>()]);
    }

    [Fact]
    public async Task CustomerMessage_WrapsUrlsInTcoLinks()
    {
        var userId = XTestData.NewUserId();

        await CustomerWrites(userId, new { text = "😀 see https://example.test/booking/X7K2QP." });
        var data = JsonNode.Parse((await WaitForWebhook(userId)).BodyText)!["direct_message_events"]![0]!["message_create"]!["message_data"]!;
        var text = data["text"]!.GetValue<string>();
        var url = data["entities"]!["urls"]![0]!;
        var start = url["indices"]![0]!.GetValue<int>();
        var end = url["indices"]![1]!.GetValue<int>();
        var runes = text.EnumerateRunes().ToList();

        Assert.Equal("https://example.test/booking/X7K2QP", url["expanded_url"]!.GetValue<string>());
        Assert.Matches("^😀 see https://t\\.co/[0-9A-Za-z]{10}\\.$", text);
        Assert.Equal(url["url"]!.GetValue<string>(), string.Concat(runes.Skip(start).Take(end - start)));
    }

    [Fact]
    public async Task CustomerPhoto_HasMediaAttachmentAndLink()
    {
        var userId = XTestData.NewUserId();

        await CustomerWrites(userId, new { text = "My receipt", attachPhoto = true });
        var data = JsonNode.Parse((await WaitForWebhook(userId)).BodyText)!["direct_message_events"]![0]!["message_create"]!["message_data"]!;
        var media = data["attachment"]!["media"]!;

        Assert.Equal("media", data["attachment"]!["type"]!.GetValue<string>());
        Assert.Equal($"My receipt {media["url"]!.GetValue<string>()}", data["text"]!.GetValue<string>());
        Assert.Equal("photo", media["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task CustomerTyping_PostsTypingEvent()
    {
        var userId = XTestData.NewUserId();
        using var client = Host.CreateClient();

        var response = await client.PostAsync($"/sandbox/x/customers/{userId}/typing", null);
        var body = JsonNode.Parse((await WaitForWebhook(userId)).BodyText)!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(userId, body["direct_message_indicate_typing_events"]![0]!["sender_id"]!.GetValue<string>());
        Assert.Null(body["direct_message_events"]);
    }

    [Fact]
    public async Task CustomerMessage_ReturnsProductStatus()
    {
        var userId = XTestData.NewUserId();
        Receiver.StatusFor = (path, body) => Encoding.UTF8.GetString(body).Contains(userId, StringComparison.Ordinal) ? 401 : 200;

        var result = await CustomerWrites(userId, new { text = "Hello" });

        Assert.Equal(401, result["statusCode"]!.GetValue<int>());
        Assert.False(result["accepted"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("not-digits")]
    [InlineData(XTestData.AccountId)]
    public async Task CustomerMessage_InvalidUser_Returns400(string userId)
    {
        using var client = Host.CreateClient();

        var response = await client.PostAsJsonAsync($"/sandbox/x/customers/{userId}/messages", new { text = "Hello" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task CrcCheck_ReceiverWithoutCrc_IsInvalid()
    {
        using var client = Host.CreateClient();

        var response = await client.PostAsync("/sandbox/x/crc-check", null);
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.False(result["valid"]!.GetValue<bool>());
        Assert.Equal(405, result["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Page_RendersChat()
    {
        using var client = Host.CreateClient();

        var response = await client.GetAsync("/sandbox/x");

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("X customer", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RequireKnownRecipient_UnknownUser_Returns403()
    {
        await using var strict = await SandboxTestHost.StartAsync(Receiver, new Dictionary<string, string?>
        {
            ["Sandbox:X:WebhookUrl"] = new Uri(Receiver.BaseAddress, "webhooks/x").ToString(),
            ["Sandbox:X:RequireKnownRecipient"] = "true",
        });

        var (response, _) = await SendDm(XTestData.NewUserId(), new JsonObject { ["text"] = "Hello" }, host: strict);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<(HttpResponseMessage Response, JsonObject Body)> SendDm(
        string participantId, JsonObject body, string? token = XTestData.UserAccessToken, SandboxTestHost? host = null)
    {
        using var client = (host ?? Host).CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/sandbox/x/2/dm_conversations/with/{participantId}/messages")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await client.SendAsync(request);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        return (response, json);
    }

    private async Task InjectFailure(string userId, int status, int count)
    {
        using var client = Host.CreateClient();
        var response = await client.PostAsJsonAsync("/sandbox/x/failures", new { recipientId = userId, status, count });
        response.EnsureSuccessStatusCode();
    }

    private async Task<JsonObject> CustomerWrites(string userId, object request)
    {
        using var client = Host.CreateClient();
        var response = await client.PostAsJsonAsync($"/sandbox/x/customers/{userId}/messages", request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<ReceivedWebhook> WaitForWebhook(string userId) =>
        (await Receiver.WaitForAsync(webhook => webhook.Path == "/webhooks/x" && webhook.BodyText.Contains(userId, StringComparison.Ordinal))).Single();

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";
}
