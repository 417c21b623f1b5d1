using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KlmSocialPay.Tests.Operations;

/// <summary>
/// A loopback stand-in for an OpenTelemetry collector's OTLP/HTTP receiver: it records the path and size
/// of every export and accepts it with an empty protobuf response, which decodes as a full success.
/// </summary>
internal sealed class OtlpCollector : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Path, long Bytes)> exports = new();
    private WebApplication? app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<(string Path, long Bytes)> Exports => exports.ToList();

    public static async Task<OtlpCollector> StartAsync()
    {
        var collector = new OtlpCollector();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();

        var app = builder.Build();
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            collector.exports.Enqueue((context.Request.Path.Value ?? "", buffer.Length));
            return Results.Bytes([], "application/x-protobuf");
        });

        await app.StartAsync();
        collector.app = app;
        collector.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single() + "/");
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
