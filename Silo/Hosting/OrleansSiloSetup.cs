using System.Net;
using KlmSocialPay.Grains;
using KlmSocialPay.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;

namespace KlmSocialPay.Silo.Hosting;

/// <summary>
/// Wires Orleans identity, clustering, grain storage and reminders to the database chosen by the
/// "Storage" configuration section.
/// </summary>
public static class OrleansSiloSetup
{
    public const string OrleansSectionName = "Orleans";

    /// <summary>
    /// Configures ServiceId and ClusterId, clustering, the grain storage named
    /// <see cref="StorageNames.Grains"/>, reminders, the schema installer and <see cref="IStorageProbe"/>.
    /// </summary>
    /// <remarks>
    /// Storage:Provider "Sqlite" (the default) keeps everything in {DataDirectory}/klmsocialpay.db
    /// with localhost clustering on Orleans:SiloPort and Orleans:GatewayPort at 127.0.0.1, so the
    /// silo runs alone and Orleans:AdvertisedIPAddress is not used. "PostgreSql" uses
    /// Storage:ConnectionString for grain state, reminders and ADO.NET clustering, and the silo
    /// listens on Orleans:AdvertisedIPAddress with both ports.
    /// </remarks>
    /// <exception cref="InvalidOperationException">A configuration value is missing or invalid. The message names the key.</exception>
    public static ISiloBuilder UseKlmSocialPayStorage(this ISiloBuilder silo, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);

        var orleans = OrleansSettings.FromConfiguration(configuration.GetSection(OrleansSectionName));
        var storage = StorageSettings.FromConfiguration(configuration.GetSection(StorageSettings.SectionName), environment.ContentRootPath);

        silo.Configure<ClusterOptions>(options =>
        {
            options.ServiceId = orleans.ServiceId;
            options.ClusterId = orleans.ClusterId;
        });

        if (storage.Provider == StorageProvider.Sqlite)
        {
            silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, primarySiloEndpoint: null, orleans.ServiceId, orleans.ClusterId);
        }
        else
        {
            silo.ConfigureEndpoints(orleans.AdvertisedIPAddress, orleans.SiloPort, orleans.GatewayPort);
            silo.UseAdoNetClustering(options => options.Configure<StorageDatabase>((clustering, database) =>
            {
                clustering.Invariant = database.Invariant;
                clustering.DataSource = database.DataSource;
            }));
        }

        AddStorageServices(silo.Services, storage);

        silo.AddAdoNetGrainStorage(StorageNames.Grains, options => options.Configure<StorageDatabase, JsonGrainStorageSerializer>(
            (grainStorage, database, serializer) =>
            {
                grainStorage.Invariant = database.Invariant;
                grainStorage.DataSource = database.DataSource;
                grainStorage.GrainStorageSerializer = serializer;
            }));

        silo.UseAdoNetReminderService(options => options.Configure<StorageDatabase>((reminders, database) =>
        {
            reminders.Invariant = database.Invariant;
            reminders.DataSource = database.DataSource;
        }));

        return silo;
    }

    private static void AddStorageServices(IServiceCollection services, StorageSettings storage)
    {
        services.AddSingleton(storage);
        services.AddSingleton<StorageDatabase>();
        services.AddSingleton<JsonGrainStorageSerializer>();
        services.AddSingleton<IStorageProbe, StorageProbe>();
        services.AddSingleton<StorageSchemaInstaller>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<StorageSchemaInstaller>());
    }

    /// <summary>The validated "Orleans" configuration section.</summary>
    internal sealed record OrleansSettings(string ServiceId, string ClusterId, int SiloPort, int GatewayPort, IPAddress AdvertisedIPAddress)
    {
        public static OrleansSettings FromConfiguration(IConfiguration section)
        {
            var serviceId = ReadText(section, "ServiceId", "klmsocialpay");
            var clusterId = ReadText(section, "ClusterId", "klmsocialpay");
            var siloPort = ReadPort(section, "SiloPort", 11111);
            var gatewayPort = ReadPort(section, "GatewayPort", 30000);

            var addressText = ReadText(section, "AdvertisedIPAddress", "127.0.0.1");
            if (!IPAddress.TryParse(addressText, out var address))
            {
                throw new InvalidOperationException(
                    $"{OrleansSectionName}:AdvertisedIPAddress '{addressText}' is not an IP address. Set the address other silos and clients reach this silo on, e.g. 10.0.0.5.");
            }

            if (siloPort == gatewayPort)
            {
                throw new InvalidOperationException(
                    $"{OrleansSectionName}:SiloPort and {OrleansSectionName}:GatewayPort are both {siloPort}. Use two different ports.");
            }

            return new OrleansSettings(serviceId, clusterId, siloPort, gatewayPort, address);
        }

        private static string ReadText(IConfiguration section, string key, string defaultValue)
        {
            var value = section[key];
            return string.IsNullOrWhiteSpace(value) ? defaultValue : value.Trim();
        }

        private static int ReadPort(IConfiguration section, string key, int defaultValue)
        {
            var value = section[key];
            if (string.IsNullOrWhiteSpace(value))
            {
                return defaultValue;
            }

            if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
                || port is < 1 or > 65535)
            {
                throw new InvalidOperationException($"{OrleansSectionName}:{key} '{value}' is invalid. Use a TCP port from 1 to 65535.");
            }

            return port;
        }
    }
}
