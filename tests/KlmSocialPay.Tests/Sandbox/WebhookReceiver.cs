using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>One POST the receiver got: path, raw body bytes, headers, and the status code it returned.</summary>
internal sealed record ReceivedWebhook(string Path, byte[] Body, IReadOnlyDictionary<string, string> Headers, int AnsweredStatus)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}

/// <summary>
/// A second loopback app that plays the product's webhook endpoints: it records every POST with its raw
/// bytes and responds with the status code <see cref="StatusFor"/> picks.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();
    private WebApplication? app;

    /// <summary>Picks the status code for a request from its path and raw body. It returns 200 unless a test replaces it.</summary>
    public Func<string, byte[], int> StatusFor { get; set; } = (_, _) => StatusCodes.Status200OK;

    public Uri BaseAddress { get; private set; } = null!;

    public string StripeUrl => new Uri(BaseAddress, "webhooks/stripe").ToString();

    public string MessengerUrl => new Uri(BaseAddress, "webhooks/messenger").ToString();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();

        var app = builder.Build();
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var path = context.Request.Path.Value ?? "";
            var status = receiver.StatusFor(path, body);
            var headers = context.Request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);

            receiver.received.Enqueue(new ReceivedWebhook(path, body, headers, status));
            return Results.StatusCode(status);
        });

        await app.StartAsync();
        receiver.app = app;
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single() + "/");
        return receiver;
    }

    public IReadOnlyList<ReceivedWebhook> Received => received.ToList();

    /// <summary>Waits until <paramref name="count"/> received requests match, for at most <paramref name="timeout"/> (10 s by default).</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<ReceivedWebhook, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));

        while (true)
        {
            var matching = received.Where(match).ToList();

            if (matching.Count >= count)
            {
                return matching;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Received {matching.Count} matching webhook requests, expected {count}.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
