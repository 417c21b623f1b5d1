using System.Net;
using Stripe;
using Stripe.Checkout;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>
/// <c>GET /v1/checkout/sessions</c> read with Stripe.net's <c>SessionService</c>, as a reconciliation job pages
/// through sessions. Tests of one class run one after another, so a <c>created</c> range from the start of a
/// test contains that test's sessions and at most a few from the test before it, in the same second.
/// </summary>
public sealed class StripeSessionListTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxTestHost Host => fixture.Host;

    private SessionService Sessions => new(Host.CreateStripeClient());

    [Fact]
    public async Task AutoPaging_ReturnsAllNewestFirst()
    {
        var since = DateTime.UtcNow.AddSeconds(-1);
        var created = new List<string>();
        for (var index = 0; index < 23; index++)
        {
            created.Add((await StripeTestData.CreateSessionAsync(Host)).Id);
        }

        var listed = new List<string>();
        await foreach (var session in Sessions.ListAutoPagingAsync(new SessionListOptions { Limit = 5, Created = new DateRangeOptions { GreaterThanOrEqual = since } }))
        {
            listed.Add(session.Id);
        }

        var ours = listed.Where(created.Contains).ToList();
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(Enumerable.Reverse(created), ours);
    }

    [Fact]
    public async Task List_FirstPage_ReportsHasMore()
    {
        var since = DateTime.UtcNow.AddSeconds(-1);
        for (var index = 0; index < 3; index++)
        {
            await StripeTestData.CreateSessionAsync(Host);
        }

        var page = await Sessions.ListAsync(new SessionListOptions { Limit = 2, Created = new DateRangeOptions { GreaterThanOrEqual = since } });

        Assert.Equal(2, page.Data.Count);
        Assert.True(page.HasMore);
        Assert.Equal("/v1/checkout/sessions", page.Url);
    }

    [Fact]
    public async Task List_ByStatus_ReturnsOnlyThatStatus()
    {
        var since = DateTime.UtcNow.AddSeconds(-1);
        var open = await StripeTestData.CreateSessionAsync(Host);
        var paid = await StripePaymentTestData.PaidSessionAsync(Host);

        var complete = await Sessions.ListAsync(new SessionListOptions { Status = "complete", Limit = 100, Created = new DateRangeOptions { GreaterThanOrEqual = since } });

        Assert.Contains(complete.Data, session => session.Id == paid.Id);
        Assert.DoesNotContain(complete.Data, session => session.Id == open.Id);
        Assert.All(complete.Data, session => Assert.Equal("complete", session.Status));
    }

    [Fact]
    public async Task List_ByPaymentIntent_ReturnsItsSession()
    {
        var paid = await StripePaymentTestData.PaidSessionAsync(Host);
        await StripePaymentTestData.PaidSessionAsync(Host);

        var listed = await Sessions.ListAsync(new SessionListOptions { PaymentIntent = paid.PaymentIntentId });

        Assert.Equal(paid.Id, Assert.Single(listed.Data).Id);
    }

    [Fact]
    public async Task List_CreatedBeforeAnySession_IsEmpty()
    {
        await StripeTestData.CreateSessionAsync(Host);

        var listed = await Sessions.ListAsync(new SessionListOptions { Created = new DateRangeOptions { LessThanOrEqual = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) } });

        Assert.Empty(listed.Data);
        Assert.False(listed.HasMore);
    }

    [Fact]
    public async Task List_EndingBefore_ReturnsNewerSessions()
    {
        var since = DateTime.UtcNow.AddSeconds(-1);
        var older = await StripeTestData.CreateSessionAsync(Host);
        var newer = await StripeTestData.CreateSessionAsync(Host);

        var listed = await Sessions.ListAsync(new SessionListOptions { EndingBefore = older.Id, Created = new DateRangeOptions { GreaterThanOrEqual = since } });

        Assert.Equal(newer.Id, Assert.Single(listed.Data).Id);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task List_LimitOutOfRange_IsRejected(long limit)
    {
        var exception = await Assert.ThrowsAsync<StripeException>(() => Sessions.ListAsync(new SessionListOptions { Limit = limit }));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Equal("limit", exception.StripeError.Param);
    }

    [Fact]
    public async Task List_UnknownCursor_IsResourceMissing()
    {
        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            Sessions.ListAsync(new SessionListOptions { StartingAfter = "cs_test_doesnotexist" }));

        Assert.Equal(HttpStatusCode.NotFound, exception.HttpStatusCode);
        Assert.Equal("resource_missing", exception.StripeError.Code);
        Assert.Equal("starting_after", exception.StripeError.Param);
    }

    [Fact]
    public async Task List_UnknownStatus_IsRejectedNamingStatus()
    {
        var exception = await Assert.ThrowsAsync<StripeException>(() => Sessions.ListAsync(new SessionListOptions { Status = "paid" }));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Equal("status", exception.StripeError.Param);
    }

    [Fact]
    public async Task List_ByCustomer_IsRejectedAsNotSimulated()
    {
        var exception = await Assert.ThrowsAsync<StripeException>(() => Sessions.ListAsync(new SessionListOptions { Customer = "cus_123" }));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Equal("customer", exception.StripeError.Param);
    }
}
