using KlmSocialPay.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;

namespace KlmSocialPay.Tests.Cluster;

public sealed class HostingRoleTests
{
    private const string PostgresConnection = "Host=127.0.0.1;Database=klmsocialpay;Username=klm";

    [Theory]
    [InlineData(null, null, HostingRole.Combined)]
    [InlineData("combined", null, HostingRole.Combined)]
    [InlineData("Silo", "PostgreSql", HostingRole.Silo)]
    [InlineData("api", "postgresql", HostingRole.Api)]
    public void Role_Valid_IsRead(string? role, string? provider, HostingRole expected)
    {
        var configuration = Configuration(role, provider, PostgresConnection);

        Assert.Equal(expected, HostingRoles.FromConfiguration(configuration, Environment()));
    }

    [Theory]
    [InlineData("Silo", null)]
    [InlineData("Silo", "Sqlite")]
    [InlineData("Api", "Sqlite")]
    public void SplitRole_WithoutPostgreSql_NamesStorageProvider(string role, string? provider)
    {
        var configuration = Configuration(role, provider, connectionString: null);

        var error = Assert.Throws<InvalidOperationException>(() => HostingRoles.FromConfiguration(configuration, Environment()));

        Assert.Contains("Hosting:Role", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage:Provider 'PostgreSql'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Worker")]
    [InlineData("7")]
    public void Role_Unknown_IsRejected(string role)
    {
        var configuration = Configuration(role, "PostgreSql", PostgresConnection);

        var error = Assert.Throws<InvalidOperationException>(() => HostingRoles.FromConfiguration(configuration, Environment()));

        Assert.Contains($"Hosting:Role '{role}' is invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApiRole_WithoutConnectionString_NamesConnectionString()
    {
        var configuration = Configuration("Api", "PostgreSql", connectionString: null);

        var error = Assert.Throws<InvalidOperationException>(() => HostingRoles.FromConfiguration(configuration, Environment()));

        Assert.Contains("Storage:ConnectionString is missing", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(string? role, string? provider, string? connectionString) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Hosting:Role"] = role,
                ["Storage:Provider"] = provider,
                ["Storage:ConnectionString"] = connectionString,
            })
            .Build();

    private static HostingEnvironment Environment() => new() { ContentRootPath = Path.GetTempPath() };
}
