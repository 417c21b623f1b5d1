using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Outbox;

/// <summary>A product host whose outbox retries fast, so retry tests take seconds.</summary>
public sealed class FastRetryHost() : IAsyncLifetime
{
    public ProductHost Host { get; } = new(new Dictionary<string, string?>
    {
        ["Outbox:BaseDelay"] = "00:00:00.300",
        ["Outbox:JitterFraction"] = "0",
        ["Outbox:MaxAttempts"] = "3",
        ["Outbox:UnknownOutcomeWait"] = "00:00:01",
        ["Messenger:RateLimitPause"] = "00:00:02",
    });

    public Task InitializeAsync() => Host.InitializeAsync();

    public Task DisposeAsync() => Host.DisposeAsync();
}

public sealed class OutboxTests(FastRetryHost fixture) : IClassFixture<FastRetryHost>
{
    private ProductHost Host => fixture.Host;

    [Fact]
    public async Task SendFailsTwiceThenSucceeds_DeliversOneCopy()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var (psid, orderId) = await NewOrder(client, agent);
        await InjectFailure(client, psid, code: 500, count: 2);

        var response = await agent.PostAsync($"/api/orders/{orderId}/payment-link", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var pending = await response.Content.ReadFromJsonAsync<JsonNode>();
        Assert.Equal("requested", pending!.Str("status"));
        Assert.Equal(1, pending?["pendingDelivery"]?["attempts"]?.GetValue<int>());

        await AgentApi.WaitForStatus(agent, orderId, "link-sent");
        Assert.Single(await SentTo(client, psid));
        var outbound = await OutboundMessages(agent, psid);
        Assert.Equal("sent", Assert.Single(outbound).Str("delivery"));
    }

    [Fact]
    public async Task RetryBudgetExhausted_NotifiesAgentAndKeepsRequested()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var (psid, orderId) = await NewOrder(client, agent);
        await InjectFailure(client, psid, code: 500, count: 10);

        Assert.Equal(HttpStatusCode.Accepted, (await agent.PostAsync($"/api/orders/{orderId}/payment-link", null)).StatusCode);

        var failed = await Eventually.Get(async () =>
        {
            var order = await AgentApi.GetOrder(agent, orderId);
            return order["lastDeliveryFailure"] is not null && order["pendingDelivery"] is null ? order : null;
        }, what: "the retry budget to run out");
        Assert.Equal("requested", failed.Str("status"));
        var notification = Assert.Single(await AgentApi.Notifications(agent), n => n!["orderId"]!.GetValue<string>() == orderId);
        Assert.Equal("link-delivery-failed", notification!.Str("type"));
        Assert.Empty(await SentTo(client, psid));
    }

    [Fact]
    public async Task AgentRetry_AfterBudget_Delivers()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var (psid, orderId) = await NewOrder(client, agent);
        await InjectFailure(client, psid, code: 500, count: 3);
        await agent.PostAsync($"/api/orders/{orderId}/payment-link", null);
        await Eventually.Get(async () => (await AgentApi.GetOrder(agent, orderId))["lastDeliveryFailure"] is not null ? "failed" : null);

        var retried = await AgentApi.RequestLink(agent, orderId);

        Assert.Equal("link-sent", retried.Str("status"));
        Assert.Single(await SentTo(client, psid));
    }

    [Fact]
    public async Task RateLimited_PausesChannelThenResumes()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var (psid, orderId) = await NewOrder(client, agent);
        await InjectFailure(client, psid, code: 613, count: 1);

        Assert.Equal(HttpStatusCode.Accepted, (await agent.PostAsync($"/api/orders/{orderId}/payment-link", null)).StatusCode);

        var channels = await agent.GetFromJsonAsync<JsonArray>("/api/channels");
        var messenger = Assert.Single(channels!, c => c!.Str("channel") == "messenger");
        Assert.NotNull(messenger!["pausedUntil"]);
        Assert.Empty(await SentTo(client, psid));

        await AgentApi.WaitForStatus(agent, orderId, "link-sent");
        Assert.Single(await SentTo(client, psid));
    }

    [Fact]
    public async Task PageEcho_SettlesPendingMessage()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var (psid, orderId) = await NewOrder(client, agent);
        await InjectFailure(client, psid, code: 500, count: 2);
        var pending = await (await agent.PostAsync($"/api/orders/{orderId}/payment-link", null)).Content.ReadFromJsonAsync<JsonNode>();
        var messageId = pending!.Str("pendingDelivery.messageId");

        var echo = Echo(psid, messageId, "m_echo_" + Guid.NewGuid().ToString("N"));
        var response = await PostMessenger(client, echo);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = await AgentApi.WaitForStatus(agent, orderId, "link-sent");
        Assert.Contains(messageId, sent["history"]![1]!.Str("detail"));
    }

    [Fact]
    public async Task CancelWhilePending_StopsRetries()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var (psid, orderId) = await NewOrder(client, agent);
        await InjectFailure(client, psid, code: 500, count: 1);
        await agent.PostAsync($"/api/orders/{orderId}/payment-link", null);

        var cancelled = await agent.PostAsync($"/api/orders/{orderId}/cancel", null);
        await Task.Delay(1500);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", (await AgentApi.GetOrder(agent, orderId)).Str("status"));
        Assert.Empty(await SentTo(client, psid));
    }

    [Theory]
    [InlineData(2, "RESPONSE", null)]
    [InlineData(48, "MESSAGE_TAG", "HUMAN_AGENT")]
    public async Task MessengerWindow_ChoosesMessagingType(int hoursSinceCustomerWrote, string messagingType, string? tag)
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var psid = await CustomerWroteAgo(client, TimeSpan.FromHours(hoursSinceCustomerWrote));
        var orderId = (await AgentApi.CreateOrder(agent, psid)).Str("id");

        await AgentApi.RequestLink(agent, orderId);

        var sent = Assert.Single(await SentTo(client, psid));
        Assert.Equal(messagingType, sent!.Str("messagingType"));
        Assert.Equal(tag, sent?["tag"]?.GetValue<string>());
    }

    [Fact]
    public async Task MessengerWindow_AfterSevenDays_Returns409WithRule()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var psid = await CustomerWroteAgo(client, TimeSpan.FromDays(8));
        var orderId = (await AgentApi.CreateOrder(agent, psid)).Str("id");

        var response = await agent.PostAsync($"/api/orders/{orderId}/payment-link", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("messenger-human-agent-window", (await response.Content.ReadFromJsonAsync<JsonNode>())!.Str("rule"));
        Assert.Empty(await SentTo(client, psid));
        Assert.Null((await AgentApi.GetOrder(agent, orderId))["paymentLink"]);
    }

    [Fact]
    public async Task SecondLinkWhilePending_Returns409()
    {
        using var client = Host.CreateClient();
        using var agent = Host.CreateAgentClient();
        var (psid, orderId) = await NewOrder(client, agent);
        await InjectFailure(client, psid, code: 500, count: 2);
        await agent.PostAsync($"/api/orders/{orderId}/payment-link", null);

        var second = await agent.PostAsync($"/api/orders/{orderId}/payment-link", null);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    private static async Task<(string Psid, string OrderId)> NewOrder(HttpClient client, HttpClient agent)
    {
        var psid = AgentApi.NewPsid();
        await AgentApi.CustomerWrites(client, psid, "Can you send me the link?");
        return (psid, (await AgentApi.CreateOrder(agent, psid)).Str("id"));
    }

    private static async Task InjectFailure(HttpClient client, string psid, int code, int count) =>
        (await client.PostAsJsonAsync("/sandbox/meta/failures", new { recipientId = psid, code, count })).EnsureSuccessStatusCode();

    private static async Task<JsonArray> SentTo(HttpClient client, string psid) =>
        (await client.GetFromJsonAsync<JsonArray>($"/sandbox/meta/messages?recipientId={psid}"))!;

    private static async Task<List<JsonNode>> OutboundMessages(HttpClient agent, string psid)
    {
        var conversation = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/messenger/{psid}");
        return [.. conversation!["messages"]!.AsArray().Where(m => m!.Str("direction") == "outbound").Select(m => m!)];
    }

    /// <summary>Posts a customer message straight to the webhook with the given age (the sandbox would stamp it now).</summary>
    private static async Task<string> CustomerWroteAgo(HttpClient client, TimeSpan age)
    {
        var psid = AgentApi.NewPsid();
        var body = Payloads.MessengerMessages((psid, "m_" + Guid.NewGuid().ToString("N"), "Hello again"));
        var json = JsonNode.Parse(body)!;
        json["entry"]![0]!["messaging"]![0]!["timestamp"] = DateTimeOffset.UtcNow.Subtract(age).ToUnixTimeMilliseconds();
        var response = await PostMessenger(client, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return psid;
    }

    private static byte[] Echo(string psid, string messageId, string mid) => System.Text.Encoding.UTF8.GetBytes(new JsonObject
    {
        ["object"] = "page",
        ["entry"] = new JsonArray(new JsonObject
        {
            ["id"] = "100000000000001",
            ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["messaging"] = new JsonArray(new JsonObject
            {
                ["sender"] = new JsonObject { ["id"] = "100000000000001" },
                ["recipient"] = new JsonObject { ["id"] = psid },
                ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ["message"] = new JsonObject { ["is_echo"] = true, ["app_id"] = 1000000000000009, ["metadata"] = messageId, ["mid"] = mid },
            }),
        }),
    }.ToJsonString());

    private static async Task<HttpResponseMessage> PostMessenger(HttpClient client, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/messenger") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", Signatures.Meta(body, ProductHost.MetaAppSecret));
        return await client.SendAsync(request);
    }
}
