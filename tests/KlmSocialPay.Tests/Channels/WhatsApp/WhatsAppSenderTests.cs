using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Grains.Ports;
using KlmSocialPay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static KlmSocialPay.Tests.Channels.WhatsApp.WhatsAppTestData;

namespace KlmSocialPay.Tests.Channels.WhatsApp;

/// <summary>
/// The product's WhatsApp sender against the sandbox's send endpoint over loopback: message shapes, and how
/// each Cloud API failure (injected through the sandbox) maps to a send failure kind.
/// </summary>
public sealed class WhatsAppSenderTests(ProductHost host) : IClassFixture<ProductHost>
{
    private IChannelSender Sender => host.Services.GetServices<IChannelSender>().Single(sender => sender.Channel == Channel.WhatsApp);

    [Fact]
    public async Task Text_IsSentAsTextMessage()
    {
        using var client = host.CreateClient();
        var waId = await CustomerWhoWrote(client);

        var sent = await Sender.Send(Message(waId, "Your seat is confirmed."), CancellationToken.None);

        var recorded = await SingleSentMessage(client, waId);
        Assert.StartsWith("wamid.", sent.PlatformMessageId);
        Assert.Equal(sent.PlatformMessageId, recorded.Str("id"));
        Assert.Equal("text", recorded.Str("type"));
        Assert.Equal("Your seat is confirmed.", recorded["content"]!.Str("body"));
    }

    [Fact]
    public async Task PaymentLink_IsSentAsCtaUrlMessage()
    {
        using var client = host.CreateClient();
        var waId = await CustomerWhoWrote(client);
        var message = Message(waId, "Here is your secure payment link.", linkTitle: "Pay € 45.00", linkUrl: "http://127.0.0.1:5080/sandbox/stripe/pay/cs_test_1");

        await Sender.Send(message, CancellationToken.None);

        var recorded = await SingleSentMessage(client, waId);
        var interactive = recorded["content"]!;
        Assert.Equal("interactive", recorded.Str("type"));
        Assert.Equal("cta_url", interactive.Str("type"));
        Assert.Equal("Here is your secure payment link.", interactive["body"]!.Str("text"));
        Assert.Equal("cta_url", interactive["action"]!.Str("name"));
        Assert.Equal("Pay € 45.00", interactive["action"]!["parameters"]!.Str("display_text"));
        Assert.Equal(message.LinkUrl, interactive["action"]!["parameters"]!.Str("url"));
        Assert.Equal(message.MessageId, recorded.Str("bizOpaqueCallbackData"));
    }

    [Fact]
    public async Task PaymentLink_LongTexts_AreCut()
    {
        using var client = host.CreateClient();
        var waId = await CustomerWhoWrote(client);
        var message = Message(waId, new string('a', 1023) + "🙂 and more", linkTitle: "Pay the whole amount now", linkUrl: "https://example.test/pay");

        await Sender.Send(message, CancellationToken.None);

        var interactive = (await SingleSentMessage(client, waId))["content"]!;
        Assert.Equal(new string('a', 1023), interactive["body"]!.Str("text"));
        Assert.Equal("Pay the whole amount", interactive["action"]!["parameters"]!.Str("display_text"));
    }

    public static TheoryData<string, SendFailureKind, string> InjectedFailures => new()
    {
        { "131047", SendFailureKind.Permanent, "131047" },
        { "131026", SendFailureKind.Permanent, "131026" },
        { "131051", SendFailureKind.Permanent, "131051" },
        { "190", SendFailureKind.Permanent, "190" },
        { "130429", SendFailureKind.RateLimited, "130429" },
        { "131056", SendFailureKind.RateLimited, "131056" },
        { "80007", SendFailureKind.RateLimited, "80007" },
        { "4", SendFailureKind.RateLimited, "4" },
        { "131000", SendFailureKind.Transient, "131000" },
        { "131016", SendFailureKind.Transient, "131016" },
        { "500", SendFailureKind.Transient, "2" },
    };

    [Theory]
    [MemberData(nameof(InjectedFailures))]
    public async Task InjectedFailure_MapsToKind(string injectedCode, SendFailureKind kind, string code)
    {
        using var client = host.CreateClient();
        var waId = await CustomerWhoWrote(client);
        await Inject(client, waId, injectedCode);

        var failure = await Assert.ThrowsAsync<ChannelSendException>(() => Sender.Send(Message(waId, "Hello"), CancellationToken.None));

        Assert.Equal(kind, failure.Kind);
        Assert.Equal(code, failure.Code);
    }

    [Fact]
    public async Task ReEngagementError_NamesWindowRuleAndTemplates()
    {
        using var client = host.CreateClient();
        var waId = await CustomerWhoWrote(client);
        await Inject(client, waId, "131047");

        var failure = await Assert.ThrowsAsync<ChannelSendException>(() => Sender.Send(Message(waId, "Hello"), CancellationToken.None));

        Assert.Equal("whatsapp-24h-window", failure.Rule);
        Assert.Contains("template", failure.Detail);
    }

    [Fact]
    public async Task RateLimit_WithoutRetryAfter_PausesOneMinute()
    {
        using var client = host.CreateClient();
        var waId = await CustomerWhoWrote(client);
        await Inject(client, waId, "130429");

        var failure = await Assert.ThrowsAsync<ChannelSendException>(() => Sender.Send(Message(waId, "Hello"), CancellationToken.None));

        Assert.Equal(TimeSpan.FromMinutes(1), failure.RetryAfter);
    }

    [Fact]
    public async Task NoAnswer_IsUnknown()
    {
        using var client = host.CreateClient();
        var waId = await CustomerWhoWrote(client);
        await Inject(client, waId, "timeout");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        var failure = await Assert.ThrowsAsync<ChannelSendException>(() => Sender.Send(Message(waId, "Hello"), timeout.Token));

        Assert.Equal(SendFailureKind.Unknown, failure.Kind);
    }

    [Fact]
    public async Task SandboxWindowClosed_IsPermanentWindowRule()
    {
        using var client = host.CreateClient();
        var waId = await CustomerWhoWrote(client);

        // Only the sandbox's clock moves. The product's own check passes, so the request reaches the stand-in,
        // which measures 25 hours since the customer wrote.
        await SetSandboxClock(client, "1.01:00:00");
        try
        {
            var failure = await Assert.ThrowsAsync<ChannelSendException>(() => Sender.Send(Message(waId, "Hello"), CancellationToken.None));

            Assert.Equal(SendFailureKind.Permanent, failure.Kind);
            Assert.Equal("whatsapp-24h-window", failure.Rule);
        }
        finally
        {
            await SetSandboxClock(client, "00:00:00");
        }
    }

    [Fact]
    public async Task Send_OutsideWindow_IsRefusedBeforeAnyRequest()
    {
        using var client = host.CreateClient();
        var waId = await CustomerWhoWrote(client);
        var message = Message(waId, "Hello") with { CustomerLastWroteAt = DateTimeOffset.UtcNow.AddHours(-25) };

        var failure = await Assert.ThrowsAsync<ChannelSendException>(() => Sender.Send(message, CancellationToken.None));

        Assert.Equal("whatsapp-24h-window", failure.Rule);
        Assert.Empty((await client.GetFromJsonAsync<JsonArray>($"/sandbox/whatsapp/messages?recipientId={waId}"))!);
    }

    [Theory]
    [InlineData(null, false, "whatsapp-customer-first")]
    [InlineData(-23.99, true, null)]
    [InlineData(-24.0, true, null)]
    [InlineData(-24.01, false, "whatsapp-24h-window")]
    [InlineData(-200.0, false, "whatsapp-24h-window")]
    public void CheckPolicy_AppliesCustomerServiceWindow(double? hoursSinceCustomerWrote, bool allowed, string? rule)
    {
        var now = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
        DateTimeOffset? lastWrote = hoursSinceCustomerWrote is { } hours ? now.AddHours(hours) : null;

        var decision = Sender.CheckPolicy(lastWrote, now);

        Assert.Equal(allowed, decision.Allowed);
        Assert.Equal(rule, decision.Rule);
    }

    [Fact]
    public void CheckPolicy_Rejection_MentionsTemplates()
    {
        var now = DateTimeOffset.UtcNow;

        var decision = Sender.CheckPolicy(now.AddHours(-30), now);

        Assert.Contains("does not send templates", decision.Detail);
    }

    private static OutboundMessage Message(string waId, string text, string? linkTitle = null, string? linkUrl = null) =>
        new($"msg_{Guid.NewGuid():N}", new ConversationKey(Channel.WhatsApp, waId), text, linkTitle, linkUrl, DateTimeOffset.UtcNow);

    private static async Task<string> CustomerWhoWrote(HttpClient client)
    {
        var waId = NewWaId();
        await CustomerWrites(client, waId, "Hi");
        return waId;
    }

    private static async Task Inject(HttpClient client, string waId, string code)
    {
        JsonNode codeValue = int.TryParse(code, out var number) ? JsonValue.Create(number) : JsonValue.Create(code);
        var response = await client.PostAsJsonAsync("/sandbox/whatsapp/failures", new JsonObject { ["recipientId"] = waId, ["code"] = codeValue, ["count"] = 1 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<JsonNode> SingleSentMessage(HttpClient client, string waId) =>
        Assert.Single((await client.GetFromJsonAsync<JsonArray>($"/sandbox/whatsapp/messages?recipientId={waId}"))!)!;

    private static async Task SetSandboxClock(HttpClient client, string offset) =>
        (await client.PostAsJsonAsync("/sandbox/clock", new { offset })).EnsureSuccessStatusCode();
}
