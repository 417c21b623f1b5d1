using KlmSocialPay.Grains.Telemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace KlmSocialPay.Silo.Hosting;

/// <summary>
/// OpenTelemetry metrics and traces for the whole process: ASP.NET Core, HttpClient, Orleans, the .NET
/// runtime and the product's own meter (<see cref="ProductMetrics"/>). Metrics are always readable at the
/// Prometheus endpoint. Both signals go to an OTLP collector only when <c>OpenTelemetry:OtlpEndpoint</c> is set.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The meter of the Orleans runtime, created in Orleans.Core 10.4.2 by <c>OrleansInstruments</c>.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>Paths whose requests are not traced: operators' polling and probes would drown the product's spans.</summary>
    private static readonly string[] UntracedPaths = ["/metrics", "/dashboard", "/health"];

    public static WebApplicationBuilder AddKlmSocialPayTelemetry(this WebApplicationBuilder builder)
    {
        var settings = TelemetrySettings.FromConfiguration(builder.Configuration.GetSection(TelemetrySettings.SectionName));
        builder.Services.AddSingleton(settings);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                settings.ServiceName, serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics => ConfigureMetrics(metrics, settings))
            .WithTracing(tracing => ConfigureTracing(tracing, settings));
        return builder;
    }

    private static void ConfigureMetrics(MeterProviderBuilder metrics, TelemetrySettings settings)
    {
        metrics
            .AddMeter(ProductMetrics.MeterName)
            .AddMeter(OrleansMeterName)
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter();

        if (settings.OtlpEndpoint is { } endpoint)
        {
            metrics.AddOtlpExporter(options => settings.ConfigureOtlp(options, endpoint, "v1/metrics"));
        }
    }

    private static void ConfigureTracing(TracerProviderBuilder tracing, TelemetrySettings settings)
    {
        tracing
            .AddSource(ActivitySources.ApplicationGrainActivitySourceName)
            .AddSource(ActivitySources.RuntimeActivitySourceName)
            .AddSource(ActivitySources.StorageActivitySourceName)
            .AddAspNetCoreInstrumentation(options => options.Filter = context =>
                !UntracedPaths.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)))
            .AddHttpClientInstrumentation();

        if (settings.OtlpEndpoint is { } endpoint)
        {
            tracing.AddOtlpExporter(options => settings.ConfigureOtlp(options, endpoint, "v1/traces"));
        }
    }
}

/// <summary>
/// The validated section <c>OpenTelemetry</c>. <see cref="OtlpEndpoint"/> is null unless
/// <c>OpenTelemetry:OtlpEndpoint</c> is set, and then no OTLP exporter is added at all, so nothing is sent to
/// the exporter's default of localhost.
/// </summary>
public sealed record TelemetrySettings(string ServiceName, Uri? OtlpEndpoint, OtlpExportProtocol OtlpProtocol)
{
    public const string SectionName = "OpenTelemetry";

    public const string DefaultServiceName = "klmsocialpay";

    /// <exception cref="InvalidOperationException">A value is invalid. The message names the key.</exception>
    public static TelemetrySettings FromConfiguration(IConfiguration section)
    {
        var serviceName = string.IsNullOrWhiteSpace(section["ServiceName"]) ? DefaultServiceName : section["ServiceName"]!.Trim();

        var protocolText = section["OtlpProtocol"];
        var protocol = protocolText?.Trim().ToLowerInvariant() switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            _ => throw new InvalidOperationException(
                $"{SectionName}:OtlpProtocol '{protocolText}' is invalid. Use 'grpc' (port 4317 on a collector) or 'http/protobuf' (port 4318)."),
        };

        var endpointText = section["OtlpEndpoint"];
        if (string.IsNullOrWhiteSpace(endpointText))
        {
            return new TelemetrySettings(serviceName, null, protocol);
        }

        if (!Uri.TryCreate(endpointText.Trim(), UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException(
                $"{SectionName}:OtlpEndpoint '{endpointText}' is not an http or https URL. Set the collector's base URL, e.g. http://otel-collector:4317, or leave it empty to export nothing.");
        }

        return new TelemetrySettings(serviceName, endpoint, protocol);
    }

    /// <summary>
    /// Points one signal's exporter at the collector. With http/protobuf the exporter takes the URL as
    /// given when it is set in code, so the signal's path (<paramref name="signalPath"/>) is appended here.
    /// </summary>
    internal void ConfigureOtlp(OtlpExporterOptions options, Uri endpoint, string signalPath)
    {
        options.Protocol = OtlpProtocol;
        options.Endpoint = OtlpProtocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(new Uri(endpoint.ToString().TrimEnd('/') + "/"), signalPath)
            : endpoint;
    }
}
