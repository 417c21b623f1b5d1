using KlmSocialPay.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace KlmSocialPay.Tests.Operations;

public sealed class TelemetrySettingsTests
{
    [Fact]
    public void Empty_ExportsNothing()
    {
        var settings = TelemetrySettings.FromConfiguration(Section([]));

        Assert.Null(settings.OtlpEndpoint);
        Assert.Equal("klmsocialpay", settings.ServiceName);
    }

    [Theory]
    [InlineData("collector:4317", "OpenTelemetry:OtlpEndpoint")]
    [InlineData("ftp://collector:4317", "OpenTelemetry:OtlpEndpoint")]
    [InlineData("/v1/traces", "OpenTelemetry:OtlpEndpoint")]
    public void InvalidEndpoint_NamesSetting(string endpoint, string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            TelemetrySettings.FromConfiguration(Section(new() { ["OtlpEndpoint"] = endpoint })));

        Assert.StartsWith(setting, error.Message);
    }

    [Fact]
    public void InvalidProtocol_NamesSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            TelemetrySettings.FromConfiguration(Section(new() { ["OtlpEndpoint"] = "http://127.0.0.1:4318", ["OtlpProtocol"] = "http/json" })));

        Assert.StartsWith("OpenTelemetry:OtlpProtocol", error.Message);
    }

    [Theory]
    [InlineData("http/protobuf", "http://127.0.0.1:4318", "http://127.0.0.1:4318/v1/traces")]
    [InlineData("http/protobuf", "http://127.0.0.1:4318/", "http://127.0.0.1:4318/v1/traces")]
    [InlineData("http/protobuf", "https://collector.example/otlp", "https://collector.example/otlp/v1/traces")]
    [InlineData("grpc", "http://127.0.0.1:4317", "http://127.0.0.1:4317/")]
    [InlineData("", "http://127.0.0.1:4317", "http://127.0.0.1:4317/")]
    public void Endpoint_GetsSignalPathForHttpOnly(string protocol, string endpoint, string expected)
    {
        var settings = TelemetrySettings.FromConfiguration(Section(new() { ["OtlpEndpoint"] = endpoint, ["OtlpProtocol"] = protocol }));
        var options = new OtlpExporterOptions();

        settings.ConfigureOtlp(options, settings.OtlpEndpoint!, "v1/traces");

        Assert.Equal(expected, options.Endpoint.ToString());
    }

    private static IConfiguration Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
