using KlmSocialPay.Silo.Hosting;
using KlmSocialPay.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace KlmSocialPay.Tests.Storage;

public sealed class StorageSettingsTests
{
    private const string ContentRoot = "/srv/klmsocialpay";

    [Fact]
    public void Provider_Missing_DefaultsToSqlite()
    {
        var settings = Read(new Dictionary<string, string?>());

        Assert.Equal(StorageProvider.Sqlite, settings.Provider);
    }

    [Theory]
    [InlineData(null, "/srv/klmsocialpay/data/klmsocialpay.db")]
    [InlineData("state", "/srv/klmsocialpay/state/klmsocialpay.db")]
    [InlineData("/var/lib/klm", "/var/lib/klm/klmsocialpay.db")]
    public void SqliteFile_DataDirectory_ResolvesAgainstContentRoot(string? dataDirectory, string expectedPath)
    {
        var settings = Read(new Dictionary<string, string?> { ["Storage:DataDirectory"] = dataDirectory });

        Assert.Equal(expectedPath, settings.SqliteFilePath);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void PostgreSql_ConnectionStringMissing_NamesTheKey(string? connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = connectionString,
        }));

        Assert.Contains("Storage:ConnectionString", error.Message);
    }

    [Fact]
    public void Provider_Unknown_NamesTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(new Dictionary<string, string?> { ["Storage:Provider"] = "Oracle" }));

        Assert.Contains("Storage:Provider", error.Message);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Database=klm;Username=klm", 64)]
    [InlineData("Host=127.0.0.1;Database=klm;Username=klm;Maximum Pool Size=20", 20)]
    [InlineData("Host=127.0.0.1;Database=klm;Username=klm;MaxPoolSize=100", 100)]
    public void PostgreSql_MaxPoolSize_DefaultsTo64UnlessSet(string connectionString, int expectedPoolSize)
    {
        var settings = Read(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = connectionString,
        });

        Assert.Equal(expectedPoolSize, new NpgsqlConnectionStringBuilder(settings.ConnectionString).MaxPoolSize);
    }

    [Fact]
    public void ConnectionStringMalformed_HidesPassword()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = "Host=db;Password=s3cret;NoSuchKeyword=1",
        }));

        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public void Setup_NoConnectionString_NamesKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
        }).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        var error = Assert.Throws<InvalidOperationException>(
            () => builder.UseOrleans(silo => silo.UseKlmSocialPayStorage(configuration, builder.Environment)));

        Assert.Contains("Storage:ConnectionString", error.Message);
    }

    [Theory]
    [InlineData("SiloPort", "0")]
    [InlineData("GatewayPort", "70000")]
    [InlineData("AdvertisedIPAddress", "not-an-ip")]
    public void Setup_InvalidOrleansValue_NamesKey(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:" + key] = value,
        }).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        var error = Assert.Throws<InvalidOperationException>(
            () => builder.UseOrleans(silo => silo.UseKlmSocialPayStorage(configuration, builder.Environment)));

        Assert.Contains("Orleans:" + key, error.Message);
    }

    private static StorageSettings Read(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return StorageSettings.FromConfiguration(configuration.GetSection("Storage"), ContentRoot);
    }
}
