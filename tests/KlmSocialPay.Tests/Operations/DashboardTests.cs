using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Operations;

[Collection(OperationsCollection.Name)]
public sealed class DashboardTests(OperationsHost host)
{
    [Fact]
    public async Task Page_IsHtml()
    {
        using var client = host.CreateBasicClient();

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("index.min.js", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Script_IsServed()
    {
        using var client = host.CreateBasicClient();

        var response = await client.GetAsync("/dashboard/index.min.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PathWithoutSlash_RedirectsToPage()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Product.BaseAddress };
        client.DefaultRequestHeaders.Authorization = OperationsHost.BasicHeader(OperationsHost.OperationsUser, OperationsHost.OperationsPassword);

        var response = await client.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/dashboard/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Counters_ListOneActiveSilo()
    {
        using var client = host.CreateBasicClient();

        var counters = await client.GetFromJsonAsync<JsonNode>("/dashboard/DashboardCounters");

        Assert.Equal(1, counters!["totalActiveHostCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task GrainStats_ShowOrderGrainByTypeName()
    {
        using var agent = host.Product.CreateAgentClient();
        using var customer = host.Product.CreateClient();
        var psid = AgentApi.NewPsid();
        await AgentApi.CustomerWrites(customer, psid, "I would like to pay for a seat.");
        await AgentApi.CreateOrder(agent, psid);
        using var client = host.CreateBasicClient();

        var grainType = await Eventually.Get(async () =>
        {
            var counters = await client.GetFromJsonAsync<JsonNode>("/dashboard/DashboardCounters");
            return counters!["simpleGrainStats"]!.AsArray()
                .Select(stat => stat!["grainType"]!.GetValue<string>())
                .FirstOrDefault(type => type.Contains("OrderGrain", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(10), "OrderGrain in the dashboard's grain statistics");

        Assert.Equal("KlmSocialPay.Grains.Orders.OrderGrain", grainType);
    }

    [Fact]
    public async Task GrainState_IsHiddenByDefault()
    {
        using var client = host.CreateBasicClient();

        var response = await client.GetAsync("/dashboard/GrainState?grainId=ord_0&grainType=KlmSocialPay.Grains.Orders.OrderGrain");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Operations:Dashboard:ShowGrainState", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LiveLogStream_IsDisabled()
    {
        using var client = host.CreateBasicClient();

        var response = await client.GetAsync("/dashboard/Trace");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
