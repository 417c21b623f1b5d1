using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Api;

public sealed class StripeWebhookTests(ProductHost host) : IClassFixture<ProductHost>
{
    private const string Completed = "checkout.session.completed";

    [Fact]
    public async Task Signature_Valid_PaysOrder()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);

        var response = await LinkSentOrder.PostSigned(client, order.Event(Completed));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("paid", (await order.Read(agent)).Str("status"));
    }

    public static TheoryData<string, int> BadSignatures => new()
    {
        { "t=1796380000,v1=0000000000000000000000000000000000000000000000000000000000000000", 0 },
        { "garbage", 0 },
        { "", 0 },
        { "stale", -400 },
        { "future", 400 },
        { "wrong-secret", 0 },
    };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task Signature_Invalid_Returns400AndChangesNothing(string kind, int offsetSeconds)
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);
        var body = order.Event(Completed);
        var signature = kind switch
        {
            "stale" or "future" => Signatures.Stripe(body, ProductHost.StripeWebhookSecret, DateTimeOffset.UtcNow.AddSeconds(offsetSeconds)),
            "wrong-secret" => Signatures.Stripe(body, "whsec_someone_else"),
            _ => kind,
        };

        var response = await LinkSentOrder.Post(client, body, signature);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("link-sent", (await order.Read(agent)).Str("status"));
    }

    [Fact]
    public async Task Signature_Missing_Returns400()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);

        var response = await LinkSentOrder.Post(client, order.Event(Completed), signature: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Stripe-Signature", await response.Content.ReadAsStringAsync());
        Assert.Equal("link-sent", (await order.Read(agent)).Str("status"));
    }

    [Fact]
    public async Task Signature_OverTamperedBody_Returns400()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);
        var body = order.Event(Completed);
        var signature = Signatures.Stripe(body, ProductHost.StripeWebhookSecret);

        var response = await LinkSentOrder.Post(client, body.Replace("\"amount_total\":4500", "\"amount_total\":1"), signature);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task PaidEvent_Twice_RecordsOnePayment()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);
        var body = order.Event(Completed, eventId: LinkSentOrder.NewEventId());

        var first = await LinkSentOrder.PostSigned(client, body);
        var second = await LinkSentOrder.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var paid = await order.Read(agent);
        Assert.Single(paid["history"]!.AsArray(), h => h!["to"]!.GetValue<string>() == "paid");
        Assert.Single(await AgentApi.Notifications(agent), n => n!["orderId"]!.GetValue<string>() == order.OrderId);
    }

    [Fact]
    public async Task CompletedThenAsyncSucceeded_FulfilsOnce()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);

        await LinkSentOrder.PostSigned(client, order.Event(Completed));
        var second = await LinkSentOrder.PostSigned(client, order.Event("checkout.session.async_payment_succeeded"));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(await AgentApi.Notifications(agent), n => n!["orderId"]!.GetValue<string>() == order.OrderId);
    }

    [Fact]
    public async Task DuplicatesConcurrently_RecordOnePayment()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);
        var body = order.Event(Completed);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => LinkSentOrder.PostSigned(client, body)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(await AgentApi.Notifications(agent), n => n!["orderId"]!.GetValue<string>() == order.OrderId);
    }

    [Fact]
    public async Task ExpiredAfterPaid_IsIgnored()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);

        await LinkSentOrder.PostSigned(client, order.Event(Completed));
        var late = await LinkSentOrder.PostSigned(client, order.Event("checkout.session.expired", paymentStatus: "unpaid", status: "expired"));

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal("paid", (await order.Read(agent)).Str("status"));
    }

    [Fact]
    public async Task Expired_MovesOrderToExpiredAndNotifies()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);

        await LinkSentOrder.PostSigned(client, order.Event("checkout.session.expired", paymentStatus: "unpaid", status: "expired"));

        Assert.Equal("expired", (await order.Read(agent)).Str("status"));
        var notification = Assert.Single(await AgentApi.Notifications(agent), n => n!["orderId"]!.GetValue<string>() == order.OrderId);
        Assert.Equal("link-expired", notification!.Str("type"));
    }

    [Fact]
    public async Task PaidAfterExpired_IsRecordedAndFlagged()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);

        await LinkSentOrder.PostSigned(client, order.Event("checkout.session.expired", paymentStatus: "unpaid", status: "expired"));
        await LinkSentOrder.PostSigned(client, order.Event(Completed));

        var paid = await order.Read(agent);
        Assert.Equal("paid", paid.Str("status"));
        Assert.Contains(paid["alerts"]!.AsArray(), a => a!["code"]!.GetValue<string>() == "paid-after-expired");
    }

    [Theory]
    [InlineData(4400, "EUR")]
    [InlineData(4500, "USD")]
    public async Task AmountOrCurrencyMismatch_NotPaidAndAgentAlerted(long paidAmount, string paidCurrency)
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);

        var response = await LinkSentOrder.PostSigned(client, order.Event(Completed, amount: paidAmount, currency: paidCurrency));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = await order.Read(agent);
        Assert.Equal("link-sent", read.Str("status"));
        Assert.Contains(read["alerts"]!.AsArray(), a => a!["code"]!.GetValue<string>() == "amount-mismatch");
        var notification = Assert.Single(await AgentApi.Notifications(agent), n => n!["orderId"]!.GetValue<string>() == order.OrderId);
        Assert.Equal("payment-mismatch", notification!.Str("type"));
    }

    [Fact]
    public async Task CompletedUnpaid_WaitsThenAsyncSucceededPays()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);

        await LinkSentOrder.PostSigned(client, order.Event(Completed, paymentStatus: "unpaid"));
        Assert.Equal("processing", (await order.Read(agent)).Str("status"));

        await LinkSentOrder.PostSigned(client, order.Event("checkout.session.async_payment_succeeded"));
        Assert.Equal("paid", (await order.Read(agent)).Str("status"));
    }

    [Fact]
    public async Task AsyncFailed_FailsOrderAndNotifies()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);

        await LinkSentOrder.PostSigned(client, order.Event(Completed, paymentStatus: "unpaid"));
        await LinkSentOrder.PostSigned(client, order.Event("checkout.session.async_payment_failed", paymentStatus: "unpaid"));

        Assert.Equal("failed", (await order.Read(agent)).Str("status"));
        var notification = Assert.Single(await AgentApi.Notifications(agent), n => n!["orderId"]!.GetValue<string>() == order.OrderId);
        Assert.Equal("payment-failed", notification!.Str("type"));
    }

    [Theory]
    [InlineData("2026-11-25.endive")]
    [InlineData("2999-10-10.the_larch")]
    public async Task OtherApiVersion_IsStillProcessed(string apiVersion)
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);

        var response = await LinkSentOrder.PostSigned(client, order.Event(Completed, apiVersion: apiVersion));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("paid", (await order.Read(agent)).Str("status"));
    }

    [Fact]
    public async Task UnknownSession_RoutedByOrderIdInMetadata()
    {
        using var agent = host.CreateAgentClient();
        using var client = host.CreateClient();
        var order = await LinkSentOrder.Create(host, agent);

        var response = await LinkSentOrder.PostSigned(client, order.Event("checkout.session.expired",
            paymentStatus: "unpaid", status: "expired", sessionId: "cs_test_never_recorded_here"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("link-sent", (await order.Read(agent)).Str("status"));
    }

    [Fact]
    public async Task EventForMissingOrder_IsNotAcknowledged()
    {
        using var client = host.CreateClient();
        var body = Payloads.StripeCheckoutEvent(Completed, LinkSentOrder.NewEventId(), "cs_test_unknown",
            "ord_" + Guid.NewGuid().ToString("N"), 4500);

        var response = await LinkSentOrder.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task EventOfAnotherIntegration_IsAcknowledged()
    {
        using var client = host.CreateClient();
        var body = Payloads.StripeCheckoutEvent(Completed, LinkSentOrder.NewEventId(), "cs_test_webshop", orderId: null, 4500,
            clientReferenceId: "webshop-cart-81");

        var response = await LinkSentOrder.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnhandledEventType_IsAcknowledged()
    {
        using var client = host.CreateClient();
        var body = """{"id":"evt_test_pi","object":"event","api_version":"2026-10-28.endive","created":1796380000,"data":{"object":{"id":"pi_test_1","object":"payment_intent","amount":4500,"currency":"eur","status":"succeeded","metadata":{}}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"payment_intent.succeeded"}""";

        var response = await LinkSentOrder.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"object":"v2.core.event","id":"evt_thin","type":"v1.billing.meter.error_report_triggered"}""")]
    [InlineData("""{"id":"evt_x","object":"event","type":"checkout.session.completed","data":{"object":{"object":"checkout.session"}}}""")]
    public async Task MalformedBody_WithValidSignature_Returns400(string body)
    {
        using var client = host.CreateClient();

        var response = await LinkSentOrder.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OversizedBody_Returns413()
    {
        using var client = host.CreateClient();
        var body = "{\"pad\":\"" + new string('a', 3 * 1024 * 1024) + "\"}";

        var response = await LinkSentOrder.PostSigned(client, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
