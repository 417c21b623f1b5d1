using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace KlmSocialPay.Tests.Infrastructure;

/// <summary>
/// The whole product as <c>dotnet run --project Silo</c> starts it: silo, API and sandbox in one process on a
/// real Kestrel at 127.0.0.1, with its own SQLite file and its own free ports. The Stripe.net client and the
/// Messenger client reach the sandbox over loopback HTTP, and the sandbox's webhooks reach the API the same way.
/// </summary>
public sealed class ProductHost : IAsyncLifetime
{
    public const string AgentKey = "dev-agent-key";
    public const string AgentId = "agent-dev";
    public const string SecondAgentKey = "second-agent-key";
    public const string SecondAgentId = "agent-two";
    public const string StripeWebhookSecret = "whsec_sandbox";
    public const string MetaAppSecret = "sandbox-meta-app-secret";
    public const string MetaVerifyToken = "sandbox-verify-token";

    private readonly Dictionary<string, string?> overrides;
    private readonly bool ownsDataDirectory;
    private WebApplicationFactory<Program>? factory;

    public ProductHost()
        : this(new Dictionary<string, string?>())
    {
    }

    internal ProductHost(Dictionary<string, string?> overrides, string? dataDirectory = null)
    {
        this.overrides = overrides;
        ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "klmsocialpay-tests", Guid.NewGuid().ToString("N"));
        Port = FreePort.Next();
    }

    public int Port { get; }

    public string DataDirectory { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public IServiceProvider Services => factory?.Services ?? throw new InvalidOperationException("The host is not started.");

    public Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = BaseAddress.ToString(),
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = DataDirectory,
            ["Orleans:ClusterId"] = $"test-{Port}",
            ["Orleans:SiloPort"] = FreePort.Next().ToString(),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(),
            ["Serilog:MinimumLevel"] = "Warning",
            ["Stripe:ApiBase"] = $"{BaseAddress}sandbox/stripe",
            ["Stripe:SuccessUrl"] = $"{BaseAddress}sandbox/stripe/done",
            ["Stripe:CancelUrl"] = $"{BaseAddress}sandbox/stripe/done",
            ["Messenger:GraphApiBase"] = $"{BaseAddress}sandbox/meta",
            ["WhatsApp:GraphApiBase"] = $"{BaseAddress}sandbox/whatsapp",
            ["X:ApiBase"] = $"{BaseAddress}sandbox/x",
            ["Agents:Keys:" + SecondAgentId] = SecondAgentKey,
            ["Sandbox:PublicBaseUrl"] = BaseAddress.ToString().TrimEnd('/'),
            ["Sandbox:Stripe:WebhookUrl"] = $"{BaseAddress}webhooks/stripe",
            ["Sandbox:Meta:WebhookUrl"] = $"{BaseAddress}webhooks/messenger",
            ["Sandbox:WhatsApp:WebhookUrl"] = $"{BaseAddress}webhooks/whatsapp",
            ["Sandbox:X:WebhookUrl"] = $"{BaseAddress}webhooks/x",
            ["Sandbox:Stripe:WebhookRetryDelays:0"] = "00:00:00.200",
            ["Sandbox:Stripe:WebhookRetryDelays:1"] = "00:00:00.500",
            ["Sandbox:Stripe:WebhookRetryDelays:2"] = "00:00:01",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
        factory.UseKestrel(Port);
        factory.StartServer();
        return Task.CompletedTask;
    }

    /// <summary>A client with no credentials.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>A client that calls the agent API as <paramref name="key"/>'s agent.</summary>
    public HttpClient CreateAgentClient(string key = AgentKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        if (!ownsDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the WAL file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
