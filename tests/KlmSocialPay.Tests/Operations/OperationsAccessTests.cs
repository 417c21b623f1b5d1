using System.Net;
using System.Net.Http.Headers;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Operations;

[Collection(OperationsCollection.Name)]
public sealed class OperationsAccessTests(OperationsHost host)
{
    public static TheoryData<string> OperationsPaths => new()
    {
        "/dashboard/",
        "/dashboard/DashboardCounters",
        "/metrics",
    };

    [Theory]
    [MemberData(nameof(OperationsPaths))]
    public async Task NoCredentials_Returns401WithBasicChallenge(string path)
    {
        using var client = host.Product.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.StartsWith("realm=\"KlmSocialPay operations\"", challenge.Parameter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(OperationsPaths))]
    public async Task AgentKey_IsRejected(string path)
    {
        using var agent = host.Product.CreateAgentClient();

        var response = await agent.GetAsync(path);

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
    }

    [Theory]
    [MemberData(nameof(OperationsPaths))]
    public async Task AgentKeyAsBasicPassword_IsRejected(string path)
    {
        using var client = host.CreateBasicClient(ProductHost.AgentId, ProductHost.AgentKey);

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/dashboard/", OperationsHost.OperationsUser, "wrong-password")]
    [InlineData("/metrics", OperationsHost.OperationsUser, "wrong-password")]
    [InlineData("/dashboard/", OperationsHost.OperationsUser, "")]
    [InlineData("/dashboard/", "nobody", OperationsHost.OperationsPassword)]
    [InlineData("/dashboard/", "OPS", OperationsHost.OperationsPassword)]
    [InlineData("/metrics", "nobody", OperationsHost.OperationsPassword)]
    public async Task WrongCredentials_Return401(string path, string user, string password)
    {
        using var client = host.CreateBasicClient(user, password);

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("b3Bz")]
    [InlineData("//79")]
    public async Task MalformedBasicCredentials_Return401(string encoded)
    {
        using var client = host.Product.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", encoded);

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(OperationsPaths))]
    public async Task OperationsUser_Returns200(string path)
    {
        using var client = host.CreateBasicClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ScrapeToken_OpensMetrics()
    {
        using var scraper = host.CreateBearerClient(OperationsHost.ScrapeToken);

        var response = await scraper.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task WrongScrapeToken_IsRejected()
    {
        using var scraper = host.CreateBearerClient(OperationsHost.ScrapeToken + "x");

        var response = await scraper.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ScrapeToken_DoesNotOpenDashboard()
    {
        using var scraper = host.CreateBearerClient(OperationsHost.ScrapeToken);

        var response = await scraper.GetAsync("/dashboard/DashboardCounters");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task OperationsUser_CannotCallAgentApi()
    {
        using var client = host.CreateBasicClient();

        var response = await client.GetAsync("/api/agents/me/notifications");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
