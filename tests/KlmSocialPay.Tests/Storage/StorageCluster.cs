using KlmSocialPay.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace KlmSocialPay.Tests.Storage;

/// <summary>
/// A one-silo Orleans <see cref="TestCluster"/> configured only through
/// <see cref="OrleansSiloSetup.UseKlmSocialPayStorage"/>, with the test cluster's own membership
/// turned off, so clustering, grain storage and reminders are the production ones.
/// </summary>
/// <remarks>
/// The silos talk over TestCluster's in-memory transport, so no TCP port is bound. The ports that
/// TestCluster allocates are passed on as Orleans:SiloPort and Orleans:GatewayPort.
/// </remarks>
internal sealed class StorageCluster : IAsyncDisposable
{
    private readonly TestCluster cluster;

    private StorageCluster(TestCluster cluster)
    {
        this.cluster = cluster;
    }

    public IServiceProvider SiloServices =>
        // With the test cluster's membership off, TestCluster lists the silo as an additional one, not as Primary.
        cluster.Silos.OfType<InProcessSiloHandle>().FirstOrDefault()?.SiloHost.Services
        ?? throw new InvalidOperationException("The test cluster has no running in-process silo.");

    public IGrainFactory Grains => SiloServices.GetRequiredService<IGrainFactory>();

    /// <param name="serviceId">The Orleans ServiceId. A restarted cluster must reuse it to read the same rows.</param>
    /// <param name="storageSettings">The "Storage" section, e.g. Storage:Provider and Storage:DataDirectory.</param>
    public static async Task<StorageCluster> StartAsync(string serviceId, IReadOnlyDictionary<string, string?> storageSettings)
    {
        var builder = new TestClusterBuilder(initialSilosCount: 1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ClusterId = serviceId;
        builder.Options.UseTestClusterMembership = false;
        builder.Options.InitializeClientOnDeploy = false;
        builder.Options.ConfigureFileLogging = false;

        foreach (var (key, value) in storageSettings)
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<KlmStorageSiloConfigurator>();

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new StorageCluster(cluster);
    }

    public async ValueTask DisposeAsync()
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    /// <summary>Silo setup that TestCluster creates by type inside each silo host, so it needs a parameterless constructor.</summary>
    public sealed class KlmStorageSiloConfigurator : IHostConfigurator
    {
        public void Configure(IHostBuilder hostBuilder)
        {
            hostBuilder.UseOrleans((context, silo) =>
            {
                var configuration = new ConfigurationBuilder()
                    .AddConfiguration(context.Configuration)
                    .AddInMemoryCollection(new Dictionary<string, string?>
                    {
                        ["Orleans:SiloPort"] = context.Configuration["Orleans:Endpoints:SiloPort"],
                        ["Orleans:GatewayPort"] = context.Configuration["Orleans:Endpoints:GatewayPort"],
                    })
                    .Build();

                silo.UseKlmSocialPayStorage(configuration, context.HostingEnvironment);

                // Production keeps Orleans' one-minute minimum period. The tests tick every second.
                silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            });
        }
    }
}
