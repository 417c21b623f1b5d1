using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>The Send API stand-in: tokens, message validation, recording and injected failures.</summary>
public sealed class MessengerSendApiTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxTestHost Host => fixture.Host;

    [Fact]
    public async Task SendText_IsAcceptedAndRecorded()
    {
        var psid = MessengerTestData.NewPsid();

        var (response, body) = await MessengerTestData.SendAsync(Host, MessengerTestData.TextMessage(psid));
        using var client = Host.CreateClient();
        var recorded = (await client.GetFromJsonAsync<JsonArray>($"/sandbox/meta/messages?recipientId={psid}"))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(psid, body["recipient_id"]!.GetValue<string>());
        Assert.StartsWith("m_", body["message_id"]!.GetValue<string>());
        var message = Assert.Single(recorded);
        Assert.Equal(body["message_id"]!.GetValue<string>(), message!["messageId"]!.GetValue<string>());
        Assert.Equal("Here is your payment link.", message["message"]!["text"]!.GetValue<string>());
        Assert.Equal("RESPONSE", message["messagingType"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendButtonTemplate_IsRecordedWithItsLink()
    {
        var psid = MessengerTestData.NewPsid();

        var (response, _) = await MessengerTestData.SendAsync(Host, MessengerTestData.ButtonTemplate(psid), path: $"/sandbox/meta/v25.0/{SandboxTestHost.PageId}/messages");
        using var client = Host.CreateClient();
        var recorded = (await client.GetFromJsonAsync<JsonArray>($"/sandbox/meta/messages?recipientId={psid}"))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var button = recorded.Single()!["message"]!["attachment"]!["payload"]!["buttons"]![0]!;
        Assert.Equal("http://127.0.0.1:5080/sandbox/stripe/pay/cs_test_x", button["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendWithTokenInQuery_IsAccepted()
    {
        var (response, _) = await MessengerTestData.SendAsync(
            Host, MessengerTestData.TextMessage(MessengerTestData.NewPsid()), token: null,
            path: $"/sandbox/meta/v25.0/me/messages?access_token={SandboxTestHost.PageAccessToken}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("wrong-token", "/sandbox/meta/v25.0/me/messages")]
    [InlineData(null, "/sandbox/meta/v25.0/me/messages?access_token=wrong-token")]
    public async Task Send_InvalidToken_IsOAuthError190(string? bearer, string path)
    {
        var (response, body) = await MessengerTestData.SendAsync(Host, MessengerTestData.TextMessage(MessengerTestData.NewPsid()), bearer, path);
        var error = body["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Invalid OAuth access token - Cannot parse access token", error["message"]!.GetValue<string>());
        Assert.Equal("OAuthException", error["type"]!.GetValue<string>());
        Assert.Equal(190, error["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(error["fbtrace_id"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("/sandbox/meta/v25.0/me/messages", 2500)]
    [InlineData("/sandbox/meta/v25.0/100000000000001/messages", 104)]
    public async Task Send_NoToken_IsOAuthError(string path, int expectedCode)
    {
        var (response, body) = await MessengerTestData.SendAsync(Host, MessengerTestData.TextMessage(MessengerTestData.NewPsid()), token: null, path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expectedCode, body["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Send_OtherPage_IsUnsupportedPostRequest()
    {
        var (response, body) = await MessengerTestData.SendAsync(Host, MessengerTestData.TextMessage(MessengerTestData.NewPsid()), path: "/sandbox/meta/v25.0/199999999999999/messages");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(100, body["error"]!["code"]!.GetValue<int>());
        Assert.Equal(33, body["error"]!["error_subcode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Send_InvalidRecipientId_IsNoMatchingUser()
    {
        var (response, body) = await MessengerTestData.SendAsync(Host, MessengerTestData.TextMessage("not-a-psid"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(100, body["error"]!["code"]!.GetValue<int>());
        Assert.Equal(2018001, body["error"]!["error_subcode"]!.GetValue<int>());
    }

    public static TheoryData<string, JsonObject, string> InvalidMessages()
    {
        var psid = "7000000000000999";
        var data = new TheoryData<string, JsonObject, string>
        {
            { "text over 2000 characters", MessengerTestData.TextMessage(psid, new string('a', 2001)), "message[text]" },
            { "empty text", MessengerTestData.TextMessage(psid, ""), "message[text]" },
            { "template text over 640 characters", MessengerTestData.ButtonTemplate(psid, text: new string('a', 641)), "message[attachment][payload][text]" },
            { "four buttons", MessengerTestData.ButtonTemplate(psid, buttonCount: 4), "message[attachment][payload][buttons]" },
            { "no buttons", MessengerTestData.ButtonTemplate(psid, buttonCount: 0), "message[attachment][payload][buttons]" },
            { "button title over 20 characters", MessengerTestData.ButtonTemplate(psid, title: "Pay 15.00 EUR right now"), "message[attachment][payload][buttons][0][title]" },
            { "unknown messaging type", MessengerTestData.TextMessage(psid, messagingType: "NON_PROMOTIONAL_SUBSCRIPTION"), "messaging_type" },
            { "message tag without tag", MessengerTestData.TextMessage(psid, messagingType: "MESSAGE_TAG"), "tag" },
        };

        var withoutUrl = MessengerTestData.ButtonTemplate(psid);
        withoutUrl["message"]!["attachment"]!["payload"]!["buttons"]![0]!.AsObject().Remove("url");
        data.Add("web_url button without url", withoutUrl, "message[attachment][payload][buttons][0][url]");

        var retiredTag = MessengerTestData.TextMessage(psid, messagingType: "MESSAGE_TAG");
        retiredTag["tag"] = "POST_PURCHASE_UPDATE";
        data.Add("retired tag", retiredTag, "tag");

        var noRecipient = MessengerTestData.TextMessage(psid);
        noRecipient.Remove("recipient");
        data.Add("no recipient", noRecipient, "recipient");

        var noMessage = MessengerTestData.TextMessage(psid);
        noMessage.Remove("message");
        data.Add("no message", noMessage, "message");

        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidMessages))]
    public async Task Send_InvalidMessage_IsCode100NamingParam(string description, JsonObject message, string expectedParam)
    {
        var (response, body) = await MessengerTestData.SendAsync(Host, message);
        var error = body["error"]!;

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{description}: HTTP {(int)response.StatusCode}");
        Assert.Equal(100, error["code"]!.GetValue<int>());
        Assert.Equal("OAuthException", error["type"]!.GetValue<string>());
        Assert.Contains(expectedParam, error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendHumanAgentTag_IsAccepted()
    {
        var message = MessengerTestData.TextMessage(MessengerTestData.NewPsid(), messagingType: "MESSAGE_TAG");
        message["tag"] = "HUMAN_AGENT";

        var (response, _) = await MessengerTestData.SendAsync(Host, message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task InjectedRateLimit_FailsCountSendsThenRecovers()
    {
        var psid = MessengerTestData.NewPsid();
        using var injected = await MessengerTestData.InjectFailureAsync(Host, psid, 613, 2);

        var first = await MessengerTestData.SendAsync(Host, MessengerTestData.TextMessage(psid));
        var second = await MessengerTestData.SendAsync(Host, MessengerTestData.TextMessage(psid));
        var third = await MessengerTestData.SendAsync(Host, MessengerTestData.TextMessage(psid));

        Assert.Equal(HttpStatusCode.Created, injected.StatusCode);
        Assert.Equal(613, first.Body["error"]!["code"]!.GetValue<int>());
        Assert.Equal(613, second.Body["error"]!["code"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, second.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.Response.StatusCode);
    }

    [Theory]
    [InlineData(613, 400, 613, null, "(#613) Calls to this api have exceeded the rate limit.")]
    [InlineData(551, 400, 551, 1545041, "(#551) This person isn't available right now.")]
    [InlineData(10, 400, 10, 2018278, "(#10) This message is sent outside of allowed window.")]
    [InlineData(500, 500, 2, null, "An unexpected error has occurred. Please retry your request later.")]
    public async Task InjectedFailure_AnswersMetaError(int injectedCode, int expectedStatus, int expectedCode, int? expectedSubcode, string expectedMessage)
    {
        var psid = MessengerTestData.NewPsid();
        using var injected = await MessengerTestData.InjectFailureAsync(Host, psid, injectedCode, 1);

        var (response, body) = await MessengerTestData.SendAsync(Host, MessengerTestData.TextMessage(psid));
        var error = body["error"]!;

        Assert.Equal(expectedStatus, (int)response.StatusCode);
        Assert.Equal(expectedCode, error["code"]!.GetValue<int>());
        Assert.Equal(expectedSubcode, error["error_subcode"]?.GetValue<int>());
        Assert.Equal(expectedMessage, error["message"]!.GetValue<string>());
        Assert.Equal("OAuthException", error["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task InjectedFailure_OnlyAffectsItsRecipient()
    {
        var failing = MessengerTestData.NewPsid();
        using var injected = await MessengerTestData.InjectFailureAsync(Host, failing, 551, 5);

        var (response, _) = await MessengerTestData.SendAsync(Host, MessengerTestData.TextMessage(MessengerTestData.NewPsid()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"recipientId\":\"7000000000000001\",\"code\":999,\"count\":1}", "code")]
    [InlineData("{\"recipientId\":\"7000000000000001\",\"code\":613,\"count\":0}", "count")]
    [InlineData("{\"recipientId\":\"abc\",\"code\":613,\"count\":1}", "recipientId")]
    [InlineData("{\"recipientId\":\"7000000000000001\",\"code\":\"rate limit\"}", "code")]
    [InlineData("{\"recipientId\":", "body")]
    public async Task InjectFailure_InvalidRequest_IsProblemNamingField(string json, string field)
    {
        using var client = Host.CreateClient();

        using var response = await client.PostAsync("/sandbox/meta/failures", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(problem["errors"]![field]);
    }
}
