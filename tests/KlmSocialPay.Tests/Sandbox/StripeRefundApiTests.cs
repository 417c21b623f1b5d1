using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Stripe;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>
/// Refunds, PaymentIntents and Charges of the Stripe stand-in, called with the real Stripe.net 53.1.0 client. Each
/// paid session costs 30.00 EUR. Webhooks are verified with <c>EventUtility.ConstructEvent</c>.
/// </summary>
public sealed class StripeRefundApiTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxTestHost Host => fixture.Host;

    private WebhookReceiver Receiver => fixture.Receiver;

    [Fact]
    public async Task Refund_WholePayment_IsPendingForFullAmount()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        var charge = await StripePaymentTestData.LatestChargeAsync(Host, session.PaymentIntentId);

        var refund = await StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = session.PaymentIntentId,
            Reason = "requested_by_customer",
            Metadata = new Dictionary<string, string> { ["order_id"] = "ord_000123" },
        });

        Assert.Matches("^re_[0-9A-Za-z]{24}$", refund.Id);
        Assert.Equal("refund", refund.Object);
        Assert.Equal("pending", refund.Status);
        Assert.Equal(3000, refund.Amount);
        Assert.Equal("eur", refund.Currency);
        Assert.Equal(charge.Id, refund.ChargeId);
        Assert.Equal(session.PaymentIntentId, refund.PaymentIntentId);
        Assert.Equal("requested_by_customer", refund.Reason);
        Assert.Equal("ord_000123", refund.Metadata["order_id"]);
        Assert.InRange(refund.Created, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Refund_Settles_DeliversCreatedRefundedAndUpdated()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);

        var refund = await StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId });
        var created = await StripePaymentTestData.WaitForEventAsync(Receiver, refund.Id, "refund.created");
        var chargeRefunded = await StripePaymentTestData.WaitForEventAsync(Receiver, refund.ChargeId, "charge.refunded");
        var updated = await StripePaymentTestData.WaitForEventAsync(Receiver, refund.Id, "refund.updated");

        Assert.Equal("pending", Assert.IsType<Refund>(created.Data.Object).Status);
        Assert.Equal(3000, Assert.IsType<Charge>(chargeRefunded.Data.Object).AmountRefunded);
        Assert.True(Assert.IsType<Charge>(chargeRefunded.Data.Object).Refunded);
        Assert.Equal("succeeded", Assert.IsType<Refund>(updated.Data.Object).Status);
        Assert.Equal(refund.StripeResponse.RequestId, created.Request.Id);
    }

    [Fact]
    public async Task ChargeRefunded_PreviousAttributes_ShowOldAmount()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);

        var refund = await StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId });
        var webhook = await StripePaymentTestData.WaitForWebhookAsync(Receiver, refund.ChargeId, "charge.refunded");
        var previous = JsonNode.Parse(webhook.BodyText)!["data"]!["previous_attributes"]!;

        Assert.Equal(0, previous["amount_refunded"]!.GetValue<long>());
        Assert.False(previous["refunded"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Refund_Partial_LeavesChargeNotRefunded()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);

        var refund = await StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId, Amount = 1000 });
        var charge = await StripePaymentTestData.LatestChargeAsync(Host, session.PaymentIntentId);

        Assert.Equal(1000, refund.Amount);
        Assert.Equal(1000, charge.AmountRefunded);
        Assert.False(charge.Refunded);
    }

    [Fact]
    public async Task Refund_PartialThenRest_RefundsWholeCharge()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        var refunds = StripePaymentTestData.Refunds(Host);

        await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId, Amount = 1000 });
        var rest = await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId });
        var charge = await StripePaymentTestData.LatestChargeAsync(Host, session.PaymentIntentId);

        Assert.Equal(2000, rest.Amount);
        Assert.Equal(3000, charge.AmountRefunded);
        Assert.True(charge.Refunded);
    }

    [Fact]
    public async Task Refund_MoreThanLeft_IsAmountTooLarge()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        var refunds = StripePaymentTestData.Refunds(Host);
        await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId, Amount = 1000 });

        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId, Amount = 2001 }));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Equal("amount_too_large", exception.StripeError.Code);
        Assert.Equal("amount", exception.StripeError.Param);
        Assert.Equal("Refund amount (20.01 EUR) is greater than unrefunded amount on charge (20.00 EUR)", exception.StripeError.Message);
    }

    [Fact]
    public async Task Refund_FullyRefunded_IsChargeAlreadyRefunded()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        var refunds = StripePaymentTestData.Refunds(Host);
        await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId });

        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId, Amount = 1 }));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Equal("charge_already_refunded", exception.StripeError.Code);
        Assert.Equal("invalid_request_error", exception.StripeError.Type);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-500)]
    public async Task Refund_NonPositiveAmount_IsRejected(long amount)
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);

        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId, Amount = amount }));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Equal("parameter_invalid_integer", exception.StripeError.Code);
        Assert.Equal("amount", exception.StripeError.Param);
    }

    [Fact]
    public async Task Refund_ByCharge_RefundsThatCharge()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        var charge = await StripePaymentTestData.LatestChargeAsync(Host, session.PaymentIntentId);

        var refund = await StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { Charge = charge.Id, Amount = 500 });

        Assert.Equal(charge.Id, refund.ChargeId);
        Assert.Equal(session.PaymentIntentId, refund.PaymentIntentId);
        Assert.Equal(500, refund.Amount);
    }

    [Fact]
    public async Task Refund_UnknownPaymentIntent_IsResourceMissing()
    {
        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { PaymentIntent = "pi_doesnotexist" }));

        Assert.Equal(HttpStatusCode.NotFound, exception.HttpStatusCode);
        Assert.Equal("resource_missing", exception.StripeError.Code);
        Assert.Equal("payment_intent", exception.StripeError.Param);
    }

    [Fact]
    public async Task Refund_NoPaymentNamed_IsRejected()
    {
        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { Amount = 100 }));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Equal("parameter_missing", exception.StripeError.Code);
    }

    [Fact]
    public async Task Refund_UnknownReason_IsRejectedNamingReason()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);

        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId, Reason = "changed_mind" }));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Equal("reason", exception.StripeError.Param);
    }

    [Fact]
    public async Task Refund_UnsettledSepaDebit_IsNotRefundable()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host, "sepa_debit");

        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId }));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Equal("charge_not_refundable", exception.StripeError.Code);
    }

    [Fact]
    public async Task Refund_SameIdempotencyKey_CreatesOneRefund()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        var refunds = StripePaymentTestData.Refunds(Host);
        var options = new RefundCreateOptions { PaymentIntent = session.PaymentIntentId, Amount = 700 };
        var requestOptions = new RequestOptions { IdempotencyKey = "refund-" + Guid.NewGuid().ToString("N") };

        var first = await refunds.CreateAsync(options, requestOptions);
        var second = await refunds.CreateAsync(options, requestOptions);
        var listed = await refunds.ListAsync(new RefundListOptions { PaymentIntent = session.PaymentIntentId });

        Assert.Equal(first.Id, second.Id);
        Assert.Single(listed.Data);
    }

    [Fact]
    public async Task Refund_FailNext_FailsAndGivesAmountBack()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        using var armed = await StripePaymentTestData.FailNextRefundAsync(Host, session.PaymentIntentId);

        var refund = await StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId });
        var failed = await StripePaymentTestData.WaitForEventAsync(Receiver, refund.Id, "refund.failed");
        var updated = await StripePaymentTestData.WaitForEventAsync(Receiver, refund.Id, "refund.updated");
        var charge = await StripePaymentTestData.LatestChargeAsync(Host, session.PaymentIntentId);

        Assert.Equal(HttpStatusCode.OK, armed.StatusCode);
        Assert.Equal("pending", refund.Status);
        Assert.Equal("failed", Assert.IsType<Refund>(failed.Data.Object).Status);
        Assert.Equal("expired_or_canceled_card", Assert.IsType<Refund>(failed.Data.Object).FailureReason);
        Assert.StartsWith("txn_", Assert.IsType<Refund>(failed.Data.Object).FailureBalanceTransactionId);
        Assert.Equal("failed", Assert.IsType<Refund>(updated.Data.Object).Status);
        Assert.Equal(0, charge.AmountRefunded);
        Assert.False(charge.Refunded);
    }

    [Fact]
    public async Task Refund_FailNext_ChargeRefundedOnlyAtCreation()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        using var armed = await StripePaymentTestData.FailNextRefundAsync(Host, session.PaymentIntentId);

        var refund = await StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId });
        await StripePaymentTestData.WaitForEventAsync(Receiver, refund.Id, "refund.failed");
        await StripePaymentTestData.WaitForEventAsync(Receiver, refund.Id, "refund.updated");
        var refunded = await StripePaymentTestData.WaitForEventAsync(Receiver, refund.ChargeId, "charge.refunded");

        Assert.Equal(["charge.refunded"], StripePaymentTestData.ReceivedTypes(Receiver, refund.ChargeId));
        Assert.Equal(3000, Assert.IsType<Charge>(refunded.Data.Object).AmountRefunded);
    }

    [Fact]
    public async Task Refund_AfterFailedOne_Succeeds()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        var refunds = StripePaymentTestData.Refunds(Host);
        using var armed = await StripePaymentTestData.FailNextRefundAsync(Host, session.PaymentIntentId);
        var first = await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId });
        await StripePaymentTestData.WaitForEventAsync(Receiver, first.Id, "refund.failed");

        var second = await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId });
        var updated = await StripePaymentTestData.WaitForEventAsync(Receiver, second.Id, "refund.updated");

        Assert.Equal(3000, second.Amount);
        Assert.Equal("succeeded", Assert.IsType<Refund>(updated.Data.Object).Status);
    }

    [Fact]
    public async Task FailNext_UnknownPaymentIntent_IsNotFound()
    {
        using var response = await StripePaymentTestData.FailNextRefundAsync(Host, "pi_doesnotexist");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task FailNext_NoPaymentIntent_IsRejected()
    {
        using var client = Host.CreateClient();

        using var response = await client.PostAsJsonAsync("/sandbox/stripe/refunds/fail-next", new JsonObject());
        var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["paymentIntent"]);
    }

    [Fact]
    public async Task RetrieveRefund_AfterSettlement_IsSucceeded()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        var refunds = StripePaymentTestData.Refunds(Host);
        var refund = await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId });
        await StripePaymentTestData.WaitForEventAsync(Receiver, refund.Id, "refund.updated");

        var retrieved = await refunds.GetAsync(refund.Id);

        Assert.Equal(refund.Id, retrieved.Id);
        Assert.Equal("succeeded", retrieved.Status);
        Assert.Equal("available", retrieved.DestinationDetails.Card.ReferenceStatus);
    }

    [Fact]
    public async Task RetrieveRefund_Unknown_IsResourceMissing()
    {
        var exception = await Assert.ThrowsAsync<StripeException>(() => StripePaymentTestData.Refunds(Host).GetAsync("re_doesnotexist"));

        Assert.Equal(HttpStatusCode.NotFound, exception.HttpStatusCode);
        Assert.Equal("resource_missing", exception.StripeError.Code);
    }

    [Fact]
    public async Task ListRefunds_ByPaymentIntent_NewestFirst()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        var other = await StripePaymentTestData.PaidSessionAsync(Host);
        var refunds = StripePaymentTestData.Refunds(Host);
        var first = await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId, Amount = 100 });
        await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = other.PaymentIntentId, Amount = 100 });
        var second = await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId, Amount = 200 });

        var listed = await refunds.ListAsync(new RefundListOptions { PaymentIntent = session.PaymentIntentId });

        Assert.Equal([second.Id, first.Id], listed.Data.Select(refund => refund.Id));
        Assert.False(listed.HasMore);
    }

    [Fact]
    public async Task ListRefunds_LimitOne_PagesThroughAll()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        var refunds = StripePaymentTestData.Refunds(Host);
        var created = new List<string>();
        for (var index = 0; index < 3; index++)
        {
            created.Add((await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId, Amount = 100 })).Id);
        }

        var listed = new List<string>();
        await foreach (var refund in refunds.ListAutoPagingAsync(new RefundListOptions { PaymentIntent = session.PaymentIntentId, Limit = 1 }))
        {
            listed.Add(refund.Id);
        }

        Assert.Equal(Enumerable.Reverse(created), listed);
    }

    [Fact]
    public async Task RetrievePaymentIntent_Paid_HasLatestCharge()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        var client = Host.CreateStripeClient();

        var paymentIntent = await new PaymentIntentService(client).GetAsync(session.PaymentIntentId);
        var charge = await new ChargeService(client).GetAsync(paymentIntent.LatestChargeId);

        Assert.Equal("succeeded", paymentIntent.Status);
        Assert.Equal(3000, paymentIntent.Amount);
        Assert.Equal(3000, paymentIntent.AmountReceived);
        Assert.Equal("ord_000123", paymentIntent.Metadata["order_id"]);
        Assert.Matches("^ch_[0-9A-Za-z]{24}$", charge.Id);
        Assert.Equal("succeeded", charge.Status);
        Assert.True(charge.Paid);
        Assert.Equal(3000, charge.Amount);
        Assert.Equal(0, charge.AmountRefunded);
        Assert.False(charge.Refunded);
        Assert.Equal(session.PaymentIntentId, charge.PaymentIntentId);
        Assert.Equal("card", charge.PaymentMethodDetails.Type);
    }

    [Fact]
    public async Task RetrievePaymentIntent_SepaDebit_ProcessingUntilSettled()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host, "sepa_debit");
        var service = new PaymentIntentService(Host.CreateStripeClient());

        var processing = await service.GetAsync(session.PaymentIntentId);
        var pendingCharge = await StripePaymentTestData.LatestChargeAsync(Host, session.PaymentIntentId);
        using var settle = await StripeTestData.PayAsync(Host, session.Id, "", action: "settle");
        var succeeded = await service.GetAsync(session.PaymentIntentId);
        var settledCharge = await StripePaymentTestData.LatestChargeAsync(Host, session.PaymentIntentId);

        Assert.Equal("processing", processing.Status);
        Assert.Equal("pending", pendingCharge.Status);
        Assert.Equal("succeeded", succeeded.Status);
        Assert.Equal("succeeded", settledCharge.Status);
    }

    [Fact]
    public async Task PaymentIntent_FailedSepaDebit_RequiresMethod()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host, "sepa_debit");

        using var fail = await StripeTestData.PayAsync(Host, session.Id, "", action: "fail");
        var paymentIntent = await new PaymentIntentService(Host.CreateStripeClient()).GetAsync(session.PaymentIntentId);
        var charge = await StripePaymentTestData.LatestChargeAsync(Host, session.PaymentIntentId);

        Assert.Equal("requires_payment_method", paymentIntent.Status);
        Assert.Equal("insufficient_funds", paymentIntent.LastPaymentError.Code);
        Assert.Equal("failed", charge.Status);
        Assert.False(charge.Paid);
    }

    [Fact]
    public async Task RetrievePaymentIntent_Unknown_IsResourceMissing()
    {
        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            new PaymentIntentService(Host.CreateStripeClient()).GetAsync("pi_doesnotexist"));

        Assert.Equal(HttpStatusCode.NotFound, exception.HttpStatusCode);
        Assert.Equal("resource_missing", exception.StripeError.Code);
    }
}
