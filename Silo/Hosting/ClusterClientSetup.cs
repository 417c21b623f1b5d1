using KlmSocialPay.Silo.Storage;
using Orleans.Configuration;
using Orleans.Hosting;

namespace KlmSocialPay.Silo.Hosting;

/// <summary>
/// The Orleans client of a process in <see cref="HostingRole.Api"/>: it finds the silos' gateways in the
/// PostgreSQL membership table that the silos write, under the same <c>Orleans:ServiceId</c> and
/// <c>Orleans:ClusterId</c>.
/// </summary>
public static class ClusterClientSetup
{
    /// <summary>Configures the cluster identity, ADO.NET gateway discovery and the connection retries.</summary>
    /// <exception cref="InvalidOperationException">A configuration value is missing or invalid. The message names the key.</exception>
    public static WebApplicationBuilder UseKlmSocialPayClusterClient(this WebApplicationBuilder builder)
    {
        var orleans = OrleansSiloSetup.OrleansSettings.FromConfiguration(builder.Configuration.GetSection(OrleansSiloSetup.OrleansSectionName));
        var storage = StorageSettings.FromConfiguration(
            builder.Configuration.GetSection(StorageSettings.SectionName), builder.Environment.ContentRootPath);

        builder.UseOrleansClient(client => client
            .Configure<ClusterOptions>(options =>
            {
                options.ServiceId = orleans.ServiceId;
                options.ClusterId = orleans.ClusterId;
            })
            .UseAdoNetClustering(options =>
            {
                options.Invariant = StorageDatabase.PostgreSqlInvariant;
                options.ConnectionString = storage.ConnectionString;
            })
            .UseConnectionRetryFilter<ClusterConnectionRetryFilter>()
            .AddActivityPropagation());
        return builder;
    }
}

/// <summary>
/// Retries the first connection to the cluster for up to <see cref="MaxWait"/>, so the API can start before
/// the silos or while they restart. After that the host fails to start, so that a process supervisor restarts it.
/// </summary>
internal sealed class ClusterConnectionRetryFilter(TimeProvider clock, ILogger<ClusterConnectionRetryFilter> logger) : IClientConnectionRetryFilter
{
    /// <summary>The same time a silo has to join its cluster by default (ClusterMembershipOptions.MaxJoinAttemptTime in Orleans 10).</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    private readonly DateTimeOffset startedAt = clock.GetUtcNow();
    private int attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        attempts++;
        if (cancellationToken.IsCancellationRequested || clock.GetUtcNow() - startedAt > MaxWait)
        {
            logger.LogError(exception, "Connecting to the Orleans cluster failed after {Attempts} attempts; giving up", attempts);
            return false;
        }

        var delay = TimeSpan.FromSeconds(Math.Min(attempts, MaxDelay.TotalSeconds));
        logger.LogWarning(
            "Connecting to the Orleans cluster failed (attempt {Attempt}, {ExceptionType}: {ExceptionMessage}); retrying in {Delay}",
            attempts, exception.GetType().Name, exception.Message, delay);
        await Task.Delay(delay, clock, cancellationToken);
        return true;
    }
}
