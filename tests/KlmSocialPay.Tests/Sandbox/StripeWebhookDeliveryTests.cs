using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Stripe;
using Stripe.Checkout;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>Paying on the hosted page and the signed webhooks that follow, verified with Stripe.net's EventUtility.</summary>
public sealed class StripeWebhookDeliveryTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxTestHost Host => fixture.Host;

    private WebhookReceiver Receiver => fixture.Receiver;

    [Fact]
    public async Task PayByCard_DeliversVerifiableEvent()
    {
        var created = await StripeTestData.CreateSessionAsync(Host);

        using var pay = await StripeTestData.PayAsync(Host, created.Id, "card");
        var webhook = await StripeTestData.WaitForEventAsync(Receiver, created.Id, "checkout.session.completed");
        var stripeEvent = StripeTestData.ConstructEvent(webhook);
        var session = Assert.IsType<Session>(stripeEvent.Data.Object);

        Assert.Equal(HttpStatusCode.OK, pay.StatusCode);
        Assert.Matches("^evt_[0-9A-Za-z]{24}$", stripeEvent.Id);
        Assert.Equal("complete", session.Status);
        Assert.Equal("paid", session.PaymentStatus);
        Assert.StartsWith("pi_", session.PaymentIntentId);
        Assert.Equal(3000, session.AmountTotal);
        Assert.Equal("ord_000123", session.Metadata["order_id"]);
        Assert.Null(session.Url);
    }

    [Fact]
    public async Task Webhook_Headers_MatchStripe()
    {
        var created = await StripeTestData.CreateSessionAsync(Host);

        using var pay = await StripeTestData.PayAsync(Host, created.Id, "ideal");
        var webhook = await StripeTestData.WaitForEventAsync(Receiver, created.Id, "checkout.session.completed");

        Assert.Equal("application/json; charset=utf-8", webhook.Header("Content-Type"));
        Assert.Equal("Stripe/1.0 (+https://stripe.com/docs/webhooks)", webhook.Header("User-Agent"));
        Assert.Matches("^t=[0-9]+,v1=[0-9a-f]{64}$", webhook.Header("Stripe-Signature"));
    }

    [Fact]
    public async Task Webhook_WrongSecret_FailsVerification()
    {
        var created = await StripeTestData.CreateSessionAsync(Host);

        using var pay = await StripeTestData.PayAsync(Host, created.Id, "card");
        var webhook = await StripeTestData.WaitForEventAsync(Receiver, created.Id, "checkout.session.completed");

        Assert.Throws<StripeException>(() =>
            EventUtility.ConstructEvent(webhook.BodyText, webhook.Header("Stripe-Signature"), "whsec_other"));
    }

    [Fact]
    public async Task PayResponse_IsCompletedSessionJson()
    {
        var created = await StripeTestData.CreateSessionAsync(Host);

        using var pay = await StripeTestData.PayAsync(Host, created.Id, "card");
        var session = (await pay.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(created.Id, session["id"]!.GetValue<string>());
        Assert.Equal("complete", session["status"]!.GetValue<string>());
        Assert.Equal("paid", session["payment_status"]!.GetValue<string>());
    }

    [Fact]
    public async Task PaySepaDebit_CompletesUnpaidThenSettles()
    {
        var created = await StripeTestData.CreateSessionAsync(Host, StripeTestData.Options(allowedTypes: ["card", "sepa_debit"]));

        using var pay = await StripeTestData.PayAsync(Host, created.Id, "sepa_debit");
        var completed = StripeTestData.ConstructEvent(await StripeTestData.WaitForEventAsync(Receiver, created.Id, "checkout.session.completed"));
        using var settle = await StripeTestData.PayAsync(Host, created.Id, "", action: "settle");
        var succeeded = StripeTestData.ConstructEvent(await StripeTestData.WaitForEventAsync(Receiver, created.Id, "checkout.session.async_payment_succeeded"));

        Assert.Equal("complete", Assert.IsType<Session>(completed.Data.Object).Status);
        Assert.Equal("unpaid", Assert.IsType<Session>(completed.Data.Object).PaymentStatus);
        Assert.Equal(HttpStatusCode.OK, settle.StatusCode);
        Assert.Equal("paid", Assert.IsType<Session>(succeeded.Data.Object).PaymentStatus);
    }

    [Fact]
    public async Task PaySepaDebit_Fail_EmitsAsyncPaymentFailed()
    {
        var created = await StripeTestData.CreateSessionAsync(Host, StripeTestData.Options(allowedTypes: ["sepa_debit"]));

        using var pay = await StripeTestData.PayAsync(Host, created.Id, "sepa_debit");
        using var fail = await StripeTestData.PayAsync(Host, created.Id, "", action: "fail");
        var failed = StripeTestData.ConstructEvent(await StripeTestData.WaitForEventAsync(Receiver, created.Id, "checkout.session.async_payment_failed"));

        Assert.Equal("unpaid", Assert.IsType<Session>(failed.Data.Object).PaymentStatus);
        Assert.Equal("complete", Assert.IsType<Session>(failed.Data.Object).Status);
    }

    [Fact]
    public async Task Settle_WithoutDelayedPayment_IsConflict()
    {
        var created = await StripeTestData.CreateSessionAsync(Host);
        using var pay = await StripeTestData.PayAsync(Host, created.Id, "card");

        using var settle = await StripeTestData.PayAsync(Host, created.Id, "", action: "settle");

        Assert.Equal(HttpStatusCode.Conflict, settle.StatusCode);
    }

    [Theory]
    [InlineData("sepa_debit")]
    [InlineData("paypal")]
    [InlineData("")]
    public async Task Pay_MethodNotOffered_IsBadRequestNamingMethod(string method)
    {
        var created = await StripeTestData.CreateSessionAsync(Host);

        using var pay = await StripeTestData.PayAsync(Host, created.Id, method);
        var problem = (await pay.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(HttpStatusCode.BadRequest, pay.StatusCode);
        Assert.Equal("application/problem+json", pay.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(problem["errors"]!["method"]);
    }

    [Fact]
    public async Task Pay_CompletedSession_IsConflict()
    {
        var created = await StripeTestData.CreateSessionAsync(Host);
        using var first = await StripeTestData.PayAsync(Host, created.Id, "card");

        using var second = await StripeTestData.PayAsync(Host, created.Id, "card");

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Pay_UnknownSession_IsNotFound()
    {
        using var pay = await StripeTestData.PayAsync(Host, "cs_test_unknown", "card");

        Assert.Equal(HttpStatusCode.NotFound, pay.StatusCode);
    }

    [Fact]
    public async Task Deliveries_ListDeliveredEvent()
    {
        var created = await StripeTestData.CreateSessionAsync(Host);
        using var pay = await StripeTestData.PayAsync(Host, created.Id, "card");
        var stripeEvent = StripeTestData.ConstructEvent(await StripeTestData.WaitForEventAsync(Receiver, created.Id, "checkout.session.completed"));
        using var client = Host.CreateClient();

        var delivery = await WaitForDeliveryAsync(client, stripeEvent.Id, entry => entry["delivered"]!.GetValue<bool>());

        Assert.Equal("checkout.session.completed", delivery["eventType"]!.GetValue<string>());
        Assert.Equal(1, delivery["attempts"]!.GetValue<int>());
        Assert.Equal(200, delivery["lastStatusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Retry_After500_RedeliversSameEventWithFreshSignature()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var answered = 0;
        receiver.StatusFor = (_, _) => Interlocked.Increment(ref answered) == 1 ? 500 : 200;

        // A retry delay above one second guarantees a later t, so the second signature must differ.
        await using var host = await SandboxTestHost.StartAsync(receiver, new Dictionary<string, string?>
        {
            ["Sandbox:Stripe:WebhookRetryDelays:0"] = "00:00:01.100",
        });
        var created = await StripeTestData.CreateSessionAsync(host);

        using var pay = await StripeTestData.PayAsync(host, created.Id, "card");
        var deliveries = await receiver.WaitForAsync(request => request.Path == "/webhooks/stripe", count: 2);
        var first = StripeTestData.ConstructEvent(deliveries[0]);
        var second = StripeTestData.ConstructEvent(deliveries[1]);

        Assert.Equal(500, deliveries[0].AnsweredStatus);
        Assert.Equal(200, deliveries[1].AnsweredStatus);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(deliveries[0].BodyText, deliveries[1].BodyText);
        Assert.NotEqual(deliveries[0].Header("Stripe-Signature"), deliveries[1].Header("Stripe-Signature"));
    }

    [Fact]
    public async Task Retry_AlwaysFailing_GivesUpAfterLastDelay()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.StatusFor = (_, _) => 503;
        await using var host = await SandboxTestHost.StartAsync(receiver);
        var created = await StripeTestData.CreateSessionAsync(host);
        using var client = host.CreateClient();

        using var pay = await StripeTestData.PayAsync(host, created.Id, "card");
        var delivery = await WaitForDeliveryAsync(client, eventId: null, entry => entry["givenUp"]!.GetValue<bool>());

        Assert.Equal(3, delivery["attempts"]!.GetValue<int>());
        Assert.Equal(503, delivery["lastStatusCode"]!.GetValue<int>());
        Assert.False(delivery["delivered"]!.GetValue<bool>());
        Assert.Equal(3, receiver.Received.Count);
    }

    [Fact]
    public async Task Retry_UnreachableReceiver_RecordsConnectionError()
    {
        var receiver = await WebhookReceiver.StartAsync();
        var unreachable = receiver.StripeUrl;
        await receiver.DisposeAsync();
        await using var host = await SandboxTestHost.StartAsync(receiver, new Dictionary<string, string?>
        {
            ["Sandbox:Stripe:WebhookUrl"] = unreachable,
        });
        var created = await StripeTestData.CreateSessionAsync(host);
        using var client = host.CreateClient();

        using var pay = await StripeTestData.PayAsync(host, created.Id, "card");
        var delivery = await WaitForDeliveryAsync(client, eventId: null, entry => entry["attempts"]!.GetValue<int>() >= 1);

        Assert.Null(delivery["lastStatusCode"]?.GetValue<int?>());
        Assert.False(string.IsNullOrEmpty(delivery["lastError"]?.GetValue<string>()));
    }

    [Fact]
    public async Task OneFailingDelivery_DoesNotHoldUpAnother()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await SandboxTestHost.StartAsync(receiver, new Dictionary<string, string?>
        {
            ["Sandbox:Stripe:WebhookRetryDelays:0"] = "00:00:30",
        });
        var stuck = await StripeTestData.CreateSessionAsync(host);
        var other = await StripeTestData.CreateSessionAsync(host);
        receiver.StatusFor = (_, body) => System.Text.Encoding.UTF8.GetString(body).Contains(stuck.Id, StringComparison.Ordinal) ? 500 : 200;

        using var payStuck = await StripeTestData.PayAsync(host, stuck.Id, "card");
        using var payOther = await StripeTestData.PayAsync(host, other.Id, "card");
        var delivered = await StripeTestData.WaitForEventAsync(receiver, other.Id, "checkout.session.completed");

        Assert.Equal(200, delivered.AnsweredStatus);
    }

    /// <summary>Polls <c>GET /sandbox/stripe/deliveries</c> until an entry (of <paramref name="eventId"/>, if given) matches.</summary>
    private static async Task<JsonNode> WaitForDeliveryAsync(HttpClient client, string? eventId, Func<JsonNode, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);

        while (true)
        {
            var deliveries = (await client.GetFromJsonAsync<JsonArray>("/sandbox/stripe/deliveries"))!;
            var found = deliveries.FirstOrDefault(entry =>
                (eventId is null || entry!["eventId"]!.GetValue<string>() == eventId) && match(entry!));

            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("No delivery reached the expected state.");
            }

            await Task.Delay(50);
        }
    }
}
