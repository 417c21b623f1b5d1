using System.Net;
using System.Text.Json.Nodes;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>
/// The messaging window: RESPONSE and UPDATE within 24 hours of the customer's last message, HUMAN_AGENT within
/// 7 days. Each test starts its own host, because moving the clock would disturb other tests.
/// </summary>
public sealed class MessengerWindowTests
{
    public static TheoryData<string, string?, double, bool> WindowCases() => new()
    {
        { "RESPONSE", null, 23, true },
        { "RESPONSE", null, 25, false },
        { "UPDATE", null, 25, false },
        { "MESSAGE_TAG", "HUMAN_AGENT", 25, true },
        { "MESSAGE_TAG", "HUMAN_AGENT", 24 * 8, false },
    };

    [Theory]
    [MemberData(nameof(WindowCases))]
    public async Task Send_HoursAfterCustomerMessage_FollowsWindow(string messagingType, string? tag, double hoursLater, bool accepted)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await SandboxTestHost.StartAsync(receiver);
        var psid = MessengerTestData.NewPsid();
        using var written = await MessengerTestData.CustomerWritesAsync(host, psid, new JsonObject { ["text"] = "Hello" });
        var message = MessengerTestData.TextMessage(psid, messagingType: messagingType);

        if (tag is not null)
        {
            message["tag"] = tag;
        }

        await host.SetClockOffsetAsync(TimeSpan.FromHours(hoursLater));
        var (response, _) = await MessengerTestData.SendAsync(host, message);

        Assert.Equal(accepted ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Send_After24Hours_AnswersWindowErrorLikeMeta()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await SandboxTestHost.StartAsync(receiver);
        var psid = MessengerTestData.NewPsid();
        using var written = await MessengerTestData.CustomerWritesAsync(host, psid, new JsonObject { ["text"] = "Hello" });

        await host.SetClockOffsetAsync(TimeSpan.FromHours(25));
        var (response, body) = await MessengerTestData.SendAsync(host, MessengerTestData.TextMessage(psid));
        var error = body["error"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["message", "type", "code", "error_subcode", "fbtrace_id"], error.Select(property => property.Key));
        Assert.Equal("(#10) This message is sent outside of allowed window.", error["message"]!.GetValue<string>());
        Assert.Equal(10, error["code"]!.GetValue<int>());
        Assert.Equal(2018278, error["error_subcode"]!.GetValue<int>());
    }

    [Fact]
    public async Task NewCustomerMessage_ReopensWindow()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await SandboxTestHost.StartAsync(receiver);
        var psid = MessengerTestData.NewPsid();
        using var first = await MessengerTestData.CustomerWritesAsync(host, psid, new JsonObject { ["text"] = "Hello" });
        await host.SetClockOffsetAsync(TimeSpan.FromHours(30));

        using var second = await MessengerTestData.CustomerWritesAsync(host, psid, new JsonObject { ["text"] = "Are you there?" });
        var (response, _) = await MessengerTestData.SendAsync(host, MessengerTestData.TextMessage(psid));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnknownPsid_WhenRequired_IsRejected()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await SandboxTestHost.StartAsync(receiver, new Dictionary<string, string?>
        {
            ["Sandbox:Meta:RequireKnownRecipient"] = "true",
        });

        var (response, body) = await MessengerTestData.SendAsync(host, MessengerTestData.TextMessage(MessengerTestData.NewPsid()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(2018001, body["error"]!["error_subcode"]!.GetValue<int>());
    }
}
