using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Stripe.Checkout;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>
/// Behaviour that depends on the sandbox clock. Each test starts its own host, because moving the clock
/// changes what every other test on the same host would see.
/// </summary>
public sealed class SandboxClockTests
{
    [Fact]
    public async Task ClockPastExpiresAt_ExpiresSession()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await SandboxTestHost.StartAsync(receiver);
        var session = await StripeTestData.CreateSessionAsync(host);

        await host.SetClockOffsetAsync(TimeSpan.FromMinutes(61));
        var webhook = await StripeTestData.WaitForEventAsync(receiver, session.Id, "checkout.session.expired");
        var stripeEvent = StripeTestData.ConstructEvent(webhook);

        Assert.Equal("expired", Assert.IsType<Session>(stripeEvent.Data.Object).Status);
        Assert.Null(stripeEvent.Request.Id);
        Assert.Equal("expired", (await new SessionService(host.CreateStripeClient()).GetAsync(session.Id)).Status);
    }

    [Fact]
    public async Task ClockBeforeExpiresAt_KeepsSessionOpen()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await SandboxTestHost.StartAsync(receiver);
        var session = await StripeTestData.CreateSessionAsync(host);

        await host.SetClockOffsetAsync(TimeSpan.FromMinutes(58));
        await Task.Delay(300);

        Assert.Equal("open", (await new SessionService(host.CreateStripeClient()).GetAsync(session.Id)).Status);
    }

    [Fact]
    public async Task DelayedPaymentSettleAfter_SettlesWithoutButton()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await SandboxTestHost.StartAsync(receiver, new Dictionary<string, string?>
        {
            ["Sandbox:Stripe:DelayedPaymentSettleAfter"] = "00:00:00.300",
        });
        var session = await StripeTestData.CreateSessionAsync(host, StripeTestData.Options(allowedTypes: "sepa_debit"));

        using var pay = await StripeTestData.PayAsync(host, session.Id, "sepa_debit");
        var webhook = await StripeTestData.WaitForEventAsync(receiver, session.Id, "checkout.session.async_payment_succeeded");

        Assert.Equal("paid", Assert.IsType<Session>(StripeTestData.ConstructEvent(webhook).Data.Object).PaymentStatus);
    }

    [Fact]
    public async Task ClockEndpoint_AdvanceBy_MovesNow()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await SandboxTestHost.StartAsync(receiver);
        using var client = host.CreateClient();

        using var response = await client.PostAsJsonAsync("/sandbox/clock", new JsonObject { ["advanceBy"] = "1.01:00:00" });
        var clock = (await response.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal("1.01:00:00", clock["offset"]!.GetValue<string>());
        Assert.InRange(
            DateTimeOffset.Parse(clock["now"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow,
            TimeSpan.FromHours(24.9),
            TimeSpan.FromHours(25.1));
    }

    [Fact]
    public async Task ClockEndpoint_BothFields_IsRejected()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await SandboxTestHost.StartAsync(receiver);
        using var client = host.CreateClient();

        using var response = await client.PostAsJsonAsync("/sandbox/clock", new JsonObject { ["offset"] = "01:00:00", ["advanceBy"] = "01:00:00" });
        var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["offset"]);
    }

    [Fact]
    public async Task InvalidSettings_FailHostStart()
    {
        await using var receiver = await WebhookReceiver.StartAsync();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => SandboxTestHost.StartAsync(receiver, new Dictionary<string, string?>
        {
            ["Sandbox:PublicBaseUrl"] = "not-a-url",
        }));

        Assert.Contains("Sandbox:PublicBaseUrl", exception.Message);
    }
}
