using System.Net.Http.Headers;
using System.Text;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Operations;

/// <summary>
/// The product with a metrics scrape token configured, shared by the operations tests. The operations user
/// is the development default from appsettings.Development.json.
/// </summary>
public sealed class OperationsHost : IAsyncLifetime
{
    public const string OperationsUser = "ops";
    public const string OperationsPassword = "dev-ops-password";
    public const string ScrapeToken = "test-scrape-token-7f3a9c";

    public ProductHost Product { get; } = new(new Dictionary<string, string?>
    {
        ["Operations:MetricsScrapeToken"] = ScrapeToken,
    });

    public Task InitializeAsync() => Product.InitializeAsync();

    public Task DisposeAsync() => Product.DisposeAsync();

    /// <summary>A client that signs in with HTTP Basic, as a browser does after the prompt.</summary>
    public HttpClient CreateBasicClient(string user = OperationsUser, string password = OperationsPassword)
    {
        var client = Product.CreateClient();
        client.DefaultRequestHeaders.Authorization = BasicHeader(user, password);
        return client;
    }

    public HttpClient CreateBearerClient(string token)
    {
        var client = Product.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static AuthenticationHeaderValue BasicHeader(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}

[CollectionDefinition(Name)]
public sealed class OperationsCollection : ICollectionFixture<OperationsHost>
{
    public const string Name = "Operations";
}
