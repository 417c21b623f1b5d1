using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Channels.WhatsApp;

/// <summary>
/// The whole product with the sandbox's automatic WhatsApp status webhooks held back for an hour, so the
/// tests alone decide which statuses reach the product and in which order.
/// </summary>
public sealed class QuietStatusProductHost : IAsyncLifetime
{
    public ProductHost Host { get; } = new(new Dictionary<string, string?> { ["Sandbox:WhatsApp:StatusDelay"] = "01:00:00" });

    public Task InitializeAsync() => Host.InitializeAsync();

    public Task DisposeAsync() => Host.DisposeAsync();
}
