using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using KlmSocialPay.Api.Channels.X;
using KlmSocialPay.Grains.Ports;
using KlmSocialPay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Tests.Channels.X;

/// <summary>
/// <see cref="XSender"/> as the product registers it, sending to the sandbox's DM endpoint on the test host
/// over loopback, plus its policy and its mapping of X's responses.
/// </summary>
public sealed class XSenderTests(ProductHost host) : IClassFixture<ProductHost>
{
    private const string CheckoutUrl = "http://127.0.0.1:5080/sandbox/stripe/pay/cs_test_a1b2c3";

    private XSender Sender => host.Services.GetServices<IChannelSender>().OfType<XSender>().Single();

    [Fact]
    public void Policy_CustomerNeverWrote_IsRefused()
    {
        var decision = Sender.CheckPolicy(null, DateTimeOffset.UtcNow);

        Assert.False(decision.Allowed);
        Assert.Equal("x-customer-first", decision.Rule);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(25)]
    [InlineData(24 * 30)]
    public void Policy_CustomerWrote_IsAllowedWithoutWindow(int hoursAgo)
    {
        var now = DateTimeOffset.UtcNow;

        var decision = Sender.CheckPolicy(now.AddHours(-hoursAgo), now);

        Assert.True(decision.Allowed);
    }

    [Fact]
    public async Task Send_CustomerNeverWrote_IsRefusedWithoutRequest()
    {
        var userId = XTestData.NewUserId();

        var failure = await Assert.ThrowsAsync<ChannelSendException>(() => Sender.Send(Message(userId, customerWrote: false), CancellationToken.None));

        Assert.Equal(SendFailureKind.Permanent, failure.Kind);
        Assert.Equal("x-customer-first", failure.Rule);
        Assert.Empty(await SentTo(userId));
    }

    [Fact]
    public async Task Send_PaymentLink_IsTextLineBreakAndUrl()
    {
        var userId = XTestData.NewUserId();

        var sent = await Sender.Send(Message(userId), CancellationToken.None);

        var dm = Assert.Single(await SentTo(userId))!;
        Assert.Equal(dm.Str("eventId"), sent.PlatformMessageId);
        Assert.Equal($"Here is your payment link for booking X7K2QP: €45.00.\n{CheckoutUrl}", dm.Str("text"));
        Assert.Equal($"{XTestData.AccountId}-{userId}", dm.Str("conversationId"));
    }

    [Fact]
    public async Task Send_PlainText_HasNoLink()
    {
        var userId = XTestData.NewUserId();

        await Sender.Send(Message(userId, "Merci ! 🙏🏽 شكرا", linkUrl: null), CancellationToken.None);

        Assert.Equal("Merci ! 🙏🏽 شكرا", Assert.Single(await SentTo(userId))!.Str("text"));
    }

    [Theory]
    [InlineData(403, SendFailureKind.Permanent, "x-dm-not-allowed")]
    [InlineData(429, SendFailureKind.RateLimited, null)]
    [InlineData(500, SendFailureKind.Transient, null)]
    public async Task Send_InjectedFailure_MapsToKind(int status, SendFailureKind kind, string? rule)
    {
        var userId = XTestData.NewUserId();
        await InjectFailure(userId, status);

        var failure = await Assert.ThrowsAsync<ChannelSendException>(() => Sender.Send(Message(userId), CancellationToken.None));

        Assert.Equal(kind, failure.Kind);
        Assert.Equal(rule, failure.Rule);
        Assert.Equal($"http-{status}", failure.Code);
    }

    [Fact]
    public async Task Send_RateLimited_RetryAfterFollowsResetHeader()
    {
        var userId = XTestData.NewUserId();
        await InjectFailure(userId, 429);

        var failure = await Assert.ThrowsAsync<ChannelSendException>(() => Sender.Send(Message(userId), CancellationToken.None));

        // The sandbox's reset is the end of its 15-minute window, which started at or before this request.
        Assert.NotNull(failure.RetryAfter);
        Assert.InRange(failure.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task Send_WrongToken_IsPermanent401()
    {
        var sender = CreateSender(new XOptions { ApiBase = $"{host.BaseAddress}sandbox/x", UserAccessToken = "revoked-token" });

        var failure = await Assert.ThrowsAsync<ChannelSendException>(() => sender.Send(Message(XTestData.NewUserId()), CancellationToken.None));

        Assert.Equal(SendFailureKind.Permanent, failure.Kind);
        Assert.Equal("http-401", failure.Code);
    }

    [Fact]
    public async Task Send_ConnectionRefused_IsTransient()
    {
        var sender = CreateSender(new XOptions { ApiBase = $"http://127.0.0.1:{FreePort.Next()}", UserAccessToken = XTestData.UserAccessToken });

        var failure = await Assert.ThrowsAsync<ChannelSendException>(() => sender.Send(Message(XTestData.NewUserId()), CancellationToken.None));

        Assert.Equal(SendFailureKind.Transient, failure.Kind);
    }

    [Fact]
    public async Task Send_NoAnswer_IsUnknown()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var sender = CreateSender(new XOptions { ApiBase = $"http://127.0.0.1:{port}", UserAccessToken = XTestData.UserAccessToken });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        var failure = await Assert.ThrowsAsync<ChannelSendException>(() => sender.Send(Message(XTestData.NewUserId()), timeout.Token));

        Assert.Equal(SendFailureKind.Unknown, failure.Kind);
    }

    [Fact]
    public void RetryAfter_ResetHeader_IsTimeUntilReset()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1767225777);
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("x-rate-limit-reset", "1767225900");
        response.Headers.TryAddWithoutValidation("Retry-After", "5");

        Assert.Equal(TimeSpan.FromSeconds(123), XSender.RetryAfter(response.Headers, now));
    }

    [Fact]
    public void RetryAfter_OnlyRetryAfterHeader_IsUsed()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", "42");

        Assert.Equal(TimeSpan.FromSeconds(42), XSender.RetryAfter(response.Headers, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void RetryAfter_ResetAlreadyPast_IsOneSecond()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1767225999);
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("x-rate-limit-reset", "1767225900");

        Assert.Equal(TimeSpan.FromSeconds(1), XSender.RetryAfter(response.Headers, now));
    }

    [Fact]
    public void RateLimit_WithoutHeaders_PausesDefault()
    {
        var failure = XSender.ToSendException(HttpStatusCode.TooManyRequests, null, null);

        Assert.Equal(SendFailureKind.RateLimited, failure.Kind);
        Assert.Equal(XSender.DefaultRateLimitPause, failure.RetryAfter);
    }

    [Theory]
    [InlineData(400, SendFailureKind.Permanent)]
    [InlineData(401, SendFailureKind.Permanent)]
    [InlineData(404, SendFailureKind.Permanent)]
    [InlineData(502, SendFailureKind.Transient)]
    [InlineData(503, SendFailureKind.Transient)]
    public void ErrorStatus_MapsToKind(int status, SendFailureKind kind)
    {
        var failure = XSender.ToSendException((HttpStatusCode)status, null, null);

        Assert.Equal(kind, failure.Kind);
    }

    [Fact]
    public void ComposeText_OverLimit_KeepsWholeLink()
    {
        var text = string.Concat(Enumerable.Repeat("😀", XSender.MaxTextLength));

        var composed = XSender.ComposeText(text, CheckoutUrl);

        Assert.EndsWith("😀\n" + CheckoutUrl, composed);
        Assert.Equal(XSender.MaxTextLength, composed.EnumerateRunes().Count());
    }

    [Fact]
    public async Task Send_TextOverLimit_IsAcceptedBySandbox()
    {
        var userId = XTestData.NewUserId();

        await Sender.Send(Message(userId, new string('a', XSender.MaxTextLength + 500)), CancellationToken.None);

        var dm = Assert.Single(await SentTo(userId))!;
        Assert.Equal(XSender.MaxTextLength, dm.Str("text").Length);
        Assert.EndsWith("\n" + CheckoutUrl, dm.Str("text"));
    }

    private static OutboundMessage Message(
        string userId, string text = "Here is your payment link for booking X7K2QP: €45.00.", string? linkUrl = CheckoutUrl, bool customerWrote = true) =>
        new($"msg_{Guid.NewGuid():N}", new ConversationKey(Channel.X, userId), text, linkUrl is null ? null : "Pay",
            linkUrl, customerWrote ? DateTimeOffset.UtcNow.AddMinutes(-5) : null);

    private XSender CreateSender(XOptions options) =>
        new(host.Services.GetRequiredService<IHttpClientFactory>(), Options.Create(options), TimeProvider.System, NullLogger<XSender>.Instance);

    private async Task InjectFailure(string userId, int status)
    {
        using var client = host.CreateClient();
        var response = await client.PostAsJsonAsync("/sandbox/x/failures", new { recipientId = userId, status, count = 1 });
        response.EnsureSuccessStatusCode();
    }

    private async Task<JsonArray> SentTo(string userId)
    {
        using var client = host.CreateClient();
        return (await client.GetFromJsonAsync<JsonArray>($"/sandbox/x/messages?recipientId={userId}"))!;
    }
}
