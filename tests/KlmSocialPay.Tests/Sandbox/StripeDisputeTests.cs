using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Stripe;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>Disputes opened and closed through the sandbox controls, and the signed events they cause.</summary>
public sealed class StripeDisputeTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxTestHost Host => fixture.Host;

    private WebhookReceiver Receiver => fixture.Receiver;

    [Fact]
    public async Task Open_DeliversDisputeCreated()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        var charge = await StripePaymentTestData.LatestChargeAsync(Host, session.PaymentIntentId);

        using var response = await StripePaymentTestData.OpenDisputeAsync(Host, session.PaymentIntentId, "fraudulent");
        var disputeId = (await response.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<string>();
        var created = await StripePaymentTestData.WaitForEventAsync(Receiver, disputeId, "charge.dispute.created");
        var dispute = Assert.IsType<Dispute>(created.Data.Object);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^dp_[0-9A-Za-z]{24}$", dispute.Id);
        Assert.Equal("needs_response", dispute.Status);
        Assert.Equal("fraudulent", dispute.Reason);
        Assert.Equal(3000, dispute.Amount);
        Assert.Equal("eur", dispute.Currency);
        Assert.Equal(charge.Id, dispute.ChargeId);
        Assert.Equal(session.PaymentIntentId, dispute.PaymentIntentId);
        Assert.True(dispute.EvidenceDetails.DueBy > DateTime.UtcNow.AddDays(8));
    }

    [Fact]
    public async Task Open_MarksChargeDisputed()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);

        using var response = await StripePaymentTestData.OpenDisputeAsync(Host, session.PaymentIntentId);
        var charge = await StripePaymentTestData.LatestChargeAsync(Host, session.PaymentIntentId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(charge.Disputed);
    }

    [Theory]
    [InlineData("won")]
    [InlineData("lost")]
    public async Task Close_DeliversDisputeClosed(string outcome)
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        using var opened = await StripePaymentTestData.OpenDisputeAsync(Host, session.PaymentIntentId);
        var disputeId = (await opened.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<string>();

        using var response = await StripePaymentTestData.CloseDisputeAsync(Host, disputeId, outcome);
        var closed = await StripePaymentTestData.WaitForEventAsync(Receiver, disputeId, "charge.dispute.closed");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(outcome, Assert.IsType<Dispute>(closed.Data.Object).Status);
    }

    [Fact]
    public async Task Open_SecondOnSameCharge_IsConflict()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        using var first = await StripePaymentTestData.OpenDisputeAsync(Host, session.PaymentIntentId);

        using var second = await StripePaymentTestData.OpenDisputeAsync(Host, session.PaymentIntentId);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Open_FullyRefunded_IsConflict()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        await StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId });

        using var response = await StripePaymentTestData.OpenDisputeAsync(Host, session.PaymentIntentId);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Open_UnknownPaymentIntent_IsNotFound()
    {
        using var response = await StripePaymentTestData.OpenDisputeAsync(Host, "pi_doesnotexist");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Open_UnknownReason_IsRejectedNamingReason()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);

        using var response = await StripePaymentTestData.OpenDisputeAsync(Host, session.PaymentIntentId, "bored");
        var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["reason"]);
    }

    [Fact]
    public async Task Close_Twice_IsConflict()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        using var opened = await StripePaymentTestData.OpenDisputeAsync(Host, session.PaymentIntentId);
        var disputeId = (await opened.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<string>();
        using var first = await StripePaymentTestData.CloseDisputeAsync(Host, disputeId, "won");

        using var second = await StripePaymentTestData.CloseDisputeAsync(Host, disputeId, "lost");

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Close_InvalidStatus_IsRejectedNamingStatus()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        using var opened = await StripePaymentTestData.OpenDisputeAsync(Host, session.PaymentIntentId);
        var disputeId = (await opened.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<string>();

        using var response = await StripePaymentTestData.CloseDisputeAsync(Host, disputeId, "under_review");
        var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["status"]);
    }

    [Fact]
    public async Task Close_UnknownDispute_IsNotFound()
    {
        using var response = await StripePaymentTestData.CloseDisputeAsync(Host, "dp_doesnotexist", "won");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Refund_DisputedCharge_IsChargeDisputed()
    {
        var session = await StripePaymentTestData.PaidSessionAsync(Host);
        using var opened = await StripePaymentTestData.OpenDisputeAsync(Host, session.PaymentIntentId);

        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            StripePaymentTestData.Refunds(Host).CreateAsync(new RefundCreateOptions { PaymentIntent = session.PaymentIntentId }));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Equal("charge_disputed", exception.StripeError.Code);
    }
}
