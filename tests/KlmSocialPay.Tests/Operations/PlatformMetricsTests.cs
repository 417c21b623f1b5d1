using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Operations;

/// <summary>
/// Runs alone, after the parallel tests. Hosts in one process share meter names, and when another test's
/// host stops, OpenTelemetry 1.21 ends the shared metric stream of its Orleans and ASP.NET Core instruments
/// in every host's exporter. One host per process, as in production, does not meet this.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PlatformMetricsCollection : ICollectionFixture<ProductHost>
{
    public const string Name = "Platform metrics";
}

[Collection(PlatformMetricsCollection.Name)]
public sealed class PlatformMetricsTests(ProductHost host)
{
    [Theory]
    [InlineData("http_server_request_duration_seconds_bucket")]
    [InlineData("orleans_catalog_activations")]
    [InlineData("orleans_app_requests_latency_milliseconds_bucket")]
    [InlineData("dotnet_gc_collections_total")]
    public async Task Metrics_ListPlatformInstruments(string metric)
    {
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = OperationsHost.BasicHeader(OperationsHost.OperationsUser, OperationsHost.OperationsPassword);
        await client.GetAsync("/health/ready");

        var line = await PrometheusScrape.Line(client, metric);

        Assert.StartsWith(metric, line);
    }

    [Fact]
    public async Task Metrics_ListOutboundHttpCalls()
    {
        using var agent = host.CreateAgentClient();
        using var customer = host.CreateClient();
        var psid = AgentApi.NewPsid();
        await AgentApi.CustomerWrites(customer, psid, "Please send me the payment link.");
        var order = await AgentApi.CreateOrder(agent, psid);
        await AgentApi.RequestLink(agent, order.Str("id"));
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = OperationsHost.BasicHeader(OperationsHost.OperationsUser, OperationsHost.OperationsPassword);

        var line = await PrometheusScrape.Line(client, "http_client_request_duration_seconds_count", "server_address=\"127.0.0.1\"");

        Assert.StartsWith("http_client_request_duration_seconds_count", line);
    }
}
