using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stripe;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>
/// The sandbox alone in a minimal ASP.NET Core app on Kestrel at 127.0.0.1 with a port the OS picks, sending
/// its webhooks to a <see cref="WebhookReceiver"/>. Retries and timers are shortened to fractions of a second.
/// </summary>
internal sealed class SandboxTestHost : IAsyncDisposable
{
    public const string SecretKey = "sk_test_sandbox";
    public const string WebhookSecret = "whsec_sandbox";
    public const string AppSecret = "sandbox-meta-app-secret";
    public const string PageAccessToken = "sandbox-page-access-token";
    public const string PageId = "100000000000001";

    /// <summary>The configured public base URL, which must start the hosted page URL of every session.</summary>
    public const string PublicBaseUrl = "http://sandbox.example.test:5080";

    private readonly WebApplication app;

    private SandboxTestHost(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The ApiBase for Stripe.net: no trailing slash, because Stripe.net appends paths such as <c>/v1/…</c>.</summary>
    public string StripeApiBase => new Uri(BaseAddress, "sandbox/stripe").ToString();

    public IServiceProvider Services => app.Services;

    public static async Task<SandboxTestHost> StartAsync(WebhookReceiver receiver, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sandbox:PublicBaseUrl"] = PublicBaseUrl,
            ["Sandbox:Stripe:WebhookUrl"] = receiver.StripeUrl,
            ["Sandbox:Stripe:WebhookRetryDelays:0"] = "00:00:00.100",
            ["Sandbox:Stripe:WebhookRetryDelays:1"] = "00:00:00.100",
            ["Sandbox:Stripe:WebhookTimeout"] = "00:00:05",
            ["Sandbox:Stripe:ExpiryCheckInterval"] = "00:00:00.100",
            ["Sandbox:Meta:WebhookUrl"] = receiver.MessengerUrl,
        };

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddKlmSocialPaySandbox(builder.Configuration);

        var app = builder.Build();
        app.MapKlmSocialPaySandbox();

        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new SandboxTestHost(app, new Uri(address + "/"));
    }

    public HttpClient CreateClient(bool followRedirects = true) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = followRedirects, UseProxy = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>The real Stripe.net client, pointed at the stand-in.</summary>
    public StripeClient CreateStripeClient(string apiKey = SecretKey) =>
        new(new StripeClientOptions { ApiKey = apiKey, ApiBase = StripeApiBase });

    /// <summary>Moves the sandbox clock to <paramref name="offset"/> from the real clock.</summary>
    public async Task SetClockOffsetAsync(TimeSpan offset)
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/sandbox/clock", new JsonObject { ["offset"] = offset.ToString("c") });
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>A receiver and a sandbox host shared by the tests of one class. Each test uses its own sessions and PSIDs.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    internal WebhookReceiver Receiver { get; private set; } = null!;

    internal SandboxTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        Host = await SandboxTestHost.StartAsync(Receiver);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
