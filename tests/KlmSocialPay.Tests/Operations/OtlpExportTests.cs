using System.Net;
using KlmSocialPay.Silo.Hosting;
using KlmSocialPay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace KlmSocialPay.Tests.Operations;

public sealed class OtlpExportTests
{
    [Fact]
    public async Task Export_Configured_SendsTracesAndMetrics()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var product = new ProductHost(new Dictionary<string, string?>
        {
            ["OpenTelemetry:OtlpEndpoint"] = collector.BaseAddress.ToString(),
            ["OpenTelemetry:OtlpProtocol"] = "http/protobuf",
        });
        await product.InitializeAsync();
        try
        {
            using var agent = product.CreateAgentClient();
            var response = await agent.GetAsync("/api/agents/me/notifications");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            // Stopping the host flushes the batched spans and takes a last metrics reading.
            await product.DisposeAsync();
        }

        var paths = collector.Exports.Where(export => export.Bytes > 0).Select(export => export.Path).ToList();
        Assert.Contains("/v1/traces", paths);
        Assert.Contains("/v1/metrics", paths);
    }

    /// <summary>
    /// The standard OTEL_EXPORTER_OTLP_* settings point at a live collector here, so an OTLP exporter added
    /// without <c>OpenTelemetry:OtlpEndpoint</c> would send to it.
    /// </summary>
    [Fact]
    public async Task Export_NotConfigured_SendsNothing()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var product = new ProductHost(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseAddress.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        await product.InitializeAsync();
        try
        {
            using var agent = product.CreateAgentClient();
            var response = await agent.GetAsync("/api/agents/me/notifications");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await product.DisposeAsync();
        }

        Assert.Empty(collector.Exports);
    }
}

/// <summary>The product as configured by appsettings.json and appsettings.Development.json, with no extra setting.</summary>
public sealed class DefaultOperationsSettingsTests(ProductHost host) : IClassFixture<ProductHost>
{
    [Fact]
    public void Otlp_NotConfigured_IsOff()
    {
        var settings = host.Services.GetRequiredService<TelemetrySettings>();

        Assert.Null(settings.OtlpEndpoint);
    }

    [Fact]
    public async Task ScrapeToken_NotConfigured_BearerIsRejected()
    {
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "any-token");

        var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task DevelopmentOperationsUser_OpensDashboard()
    {
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = OperationsHost.BasicHeader("ops", "dev-ops-password");

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
