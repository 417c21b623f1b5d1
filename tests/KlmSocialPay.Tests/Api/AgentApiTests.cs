using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Api;

public sealed class AgentApiTests(ProductHost host) : IClassFixture<ProductHost>
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-configured-key")]
    [InlineData("Basic ZGV2LWFnZW50LWtleQ==")]
    public async Task UnknownOrMissingKey_Returns401(string? authorization)
    {
        using var client = host.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await client.GetAsync("/api/agents/me/notifications");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CreateOrder_InSilentConversation_Returns404()
    {
        using var agent = host.CreateAgentClient();

        var response = await agent.PostAsJsonAsync($"/api/conversations/messenger/{AgentApi.NewPsid()}/orders", AgentApi.Order());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CreateOrder_ComputesTotalFromItems()
    {
        using var agent = host.CreateAgentClient();
        var psid = await CustomerWhoWrote();
        var order = new
        {
            bookingReference = "x7k2qp",
            currency = "eur",
            items = new object[]
            {
                new { kind = "rebooking", description = "KL1234 to 6 December", amount = 7500 },
                new { kind = "seat", description = "Seat 12A", amount = 2499 },
                new { kind = "baggage", description = "Extra bag 23 kg", amount = 1 },
            },
        };

        var created = await AgentApi.CreateOrder(agent, psid, order);

        Assert.Equal(9_999 + 1, created["total"]!["amount"]!.GetValue<long>());
        Assert.Equal("EUR", created.Str("total.currency"));
        Assert.Equal("X7K2QP", created.Str("bookingReference"));
        Assert.Equal("requested", created.Str("status"));
        Assert.Equal("agent-dev", created["history"]![0]!.Str("actor"));
    }

    [Theory]
    [InlineData("JPY", 1500)]
    [InlineData("KWD", 12340)]
    public async Task CreateOrder_ZeroAndThreeDecimalCurrencies(string currency, long amount)
    {
        using var agent = host.CreateAgentClient();
        var psid = await CustomerWhoWrote();

        var created = await AgentApi.CreateOrder(agent, psid, AgentApi.Order(currency, amount));

        Assert.Equal(amount, created["total"]!["amount"]!.GetValue<long>());
    }

    public static TheoryData<string, string> InvalidOrders => new()
    {
        { """{"currency":"EUR","items":[{"kind":"seat","description":"12A","amount":100}]}""", "bookingReference" },
        { """{"bookingReference":"TOO-LONG-REF","currency":"EUR","items":[{"kind":"seat","description":"12A","amount":100}]}""", "bookingReference" },
        { """{"bookingReference":"X7K2QP","items":[{"kind":"seat","description":"12A","amount":100}]}""", "currency" },
        { """{"bookingReference":"X7K2QP","currency":"EURO","items":[{"kind":"seat","description":"12A","amount":100}]}""", "currency" },
        { """{"bookingReference":"X7K2QP","currency":"EUR","language":"xx","items":[{"kind":"seat","description":"12A","amount":100}]}""", "language" },
        { """{"bookingReference":"X7K2QP","currency":"EUR","items":[]}""", "items" },
        { """{"bookingReference":"X7K2QP","currency":"EUR"}""", "items" },
        { """{"bookingReference":"X7K2QP","currency":"EUR","items":[{"kind":"lounge","description":"12A","amount":100}]}""", "items[0].kind" },
        { """{"bookingReference":"X7K2QP","currency":"EUR","items":[{"kind":"seat","description":" ","amount":100}]}""", "items[0].description" },
        { """{"bookingReference":"X7K2QP","currency":"EUR","items":[{"kind":"seat","description":"12A","amount":0}]}""", "items[0].amount" },
        { """{"bookingReference":"X7K2QP","currency":"EUR","items":[{"kind":"seat","description":"12A","amount":-5}]}""", "items[0].amount" },
        { """{"bookingReference":"X7K2QP","currency":"EUR","items":[{"kind":"seat","description":"12A"}]}""", "items[0].amount" },
        { """{"bookingReference":"X7K2QP","currency":"EUR","items":[{"kind":"seat","description":"12A","amount":100000000}]}""", "items[0].amount" },
        { """{"bookingReference":"X7K2QP","currency":"KWD","items":[{"kind":"seat","description":"12A","amount":12345}]}""", "items[0].amount" },
        { """{"bookingReference":"X7K2QP","currency":"EUR","items":[{"kind":"seat","description":"12A","amount":"45.00"}]}""", "items[0].amount" },
        { """{"bookingReference":"X7K2QP","currency":"EUR","items":[{"kind":"seat","description":"12A","amount":45.5}]}""", "items[0].amount" },
        { """{"bookingReference":"X7K2QP","currency":"EUR","items":[{"kind":"seat","description":"a","amount":60000000},{"kind":"seat","description":"b","amount":60000000}]}""", "items" },
        { """{"bookingReference":"X7K2QP",""", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidOrders))]
    public async Task CreateOrder_InvalidField_Returns400NamingIt(string json, string field)
    {
        using var agent = host.CreateAgentClient();
        var psid = await CustomerWhoWrote();

        var response = await agent.PostAsync($"/api/conversations/messenger/{psid}/orders",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonNode>();
        Assert.NotNull(problem!["errors"]![field]);
        var conversation = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/messenger/{psid}");
        Assert.Empty(conversation!["orders"]!.AsArray());
    }

    [Theory]
    [InlineData("telegram", "7000000000000001", "channel")]
    [InlineData("messenger", "not%20valid!", "customerId")]
    public async Task Conversation_InvalidKey_Returns400NamingIt(string channel, string customerId, string field)
    {
        using var agent = host.CreateAgentClient();

        var response = await agent.GetAsync($"/api/conversations/{channel}/{customerId}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonNode>())!["errors"]![field]);
    }

    [Theory]
    [InlineData("ord_00000000000000000000000000000000")]
    [InlineData("not-an-order")]
    public async Task UnknownOrder_Returns404(string orderId)
    {
        using var agent = host.CreateAgentClient();

        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/orders/{orderId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PostAsync($"/api/orders/{orderId}/payment-link", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PostAsync($"/api/orders/{orderId}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task PaymentLink_Twice_Returns409()
    {
        using var agent = host.CreateAgentClient();
        var order = await LinkSentOrder.Create(host, agent);

        var again = await agent.PostAsync($"/api/orders/{order.OrderId}/payment-link", null);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = await again.Content.ReadFromJsonAsync<JsonNode>();
        Assert.Equal("link-sent", problem!.Str("orderStatus"));
    }

    [Fact]
    public async Task Cancelled_ThenPaymentLink_Returns409()
    {
        using var agent = host.CreateAgentClient();
        var psid = await CustomerWhoWrote();
        var orderId = (await AgentApi.CreateOrder(agent, psid)).Str("id");

        var cancelled = await agent.PostAsync($"/api/orders/{orderId}/cancel", null);
        var link = await agent.PostAsync($"/api/orders/{orderId}/payment-link", null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, link.StatusCode);
    }

    [Fact]
    public async Task CancelLinkSent_ExpiresSessionAtProvider()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);

        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "sk_test_sandbox");

        var cancelled = await agent.PostAsync($"/api/orders/{order.OrderId}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var session = await client.GetFromJsonAsync<JsonNode>($"/sandbox/stripe/v1/checkout/sessions/{order.SessionId}");
        Assert.Equal("expired", session!.Str("status"));
    }

    [Fact]
    public async Task SendFailure_LeavesRequestedWithError_ThenRetrySucceeds()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var psid = await CustomerWhoWrote();
        var orderId = (await AgentApi.CreateOrder(agent, psid)).Str("id");
        (await client.PostAsJsonAsync("/sandbox/meta/failures", new { recipientId = psid, code = 551, count = 1 })).EnsureSuccessStatusCode();

        var failed = await agent.PostAsync($"/api/orders/{orderId}/payment-link", null);

        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        var afterFailure = await AgentApi.GetOrder(agent, orderId);
        Assert.Equal("requested", afterFailure.Str("status"));
        Assert.StartsWith("551", afterFailure.Str("lastDeliveryFailure.code"));
        var firstSession = afterFailure.Str("paymentLink.checkoutSessionId");

        var retried = await AgentApi.RequestLink(agent, orderId);

        Assert.Equal("link-sent", retried.Str("status"));
        Assert.Equal(firstSession, retried.Str("paymentLink.checkoutSessionId"));
        Assert.Null(retried["lastDeliveryFailure"]);
    }

    [Fact]
    public async Task Notification_GoesToAgentWhoRequestedLink()
    {
        using var creator = host.CreateAgentClient();
        using var requester = host.CreateAgentClient(ProductHost.SecondAgentKey);
        using var client = host.CreateClient();
        var psid = await CustomerWhoWrote();
        var orderId = (await AgentApi.CreateOrder(creator, psid)).Str("id");
        var sessionId = (await AgentApi.RequestLink(requester, orderId)).Str("paymentLink.checkoutSessionId");

        (await client.PostAsJsonAsync($"/sandbox/stripe/pay/{sessionId}", new { method = "card" })).EnsureSuccessStatusCode();
        await AgentApi.WaitForStatus(creator, orderId, "paid");

        Assert.Single(await AgentApi.Notifications(requester), n => n!["orderId"]!.GetValue<string>() == orderId);
        Assert.DoesNotContain(await AgentApi.Notifications(creator), n => n!["orderId"]!.GetValue<string>() == orderId);
    }

    [Fact]
    public async Task Conversation_ListsMessagesAndOrders()
    {
        using var agent = host.CreateAgentClient();
        var order = await LinkSentOrder.Create(host, agent);

        var conversation = await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/messenger/{order.Psid}");

        Assert.Equal(["inbound", "outbound"], conversation!["messages"]!.AsArray().Select(m => m!.Str("direction")));
        Assert.Equal(order.OrderId, conversation["orders"]![0]!.Str("id"));
    }

    [Fact]
    public async Task OpenApi_DescribesAgentRoutesAndWebhooks()
    {
        using var client = host.CreateClient();

        var document = await client.GetFromJsonAsync<JsonNode>("/openapi/v1.json");

        var paths = document!["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/conversations/{channel}/{customerId}/orders", paths);
        Assert.Contains("/api/orders/{orderId}/payment-link", paths);
        Assert.Contains("/api/agents/me/events", paths);
        Assert.Contains("/webhooks/stripe", paths);
        Assert.Contains("/webhooks/messenger", paths);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_IsHealthy(string path)
    {
        using var client = host.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> CustomerWhoWrote()
    {
        using var client = host.CreateClient();
        var psid = AgentApi.NewPsid();
        await AgentApi.CustomerWrites(client, psid, "Hello");
        return psid;
    }
}
