using KlmSocialPay.Silo.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KlmSocialPay.Silo.Hosting;

/// <summary>Ready when the cluster responds to a management call and lists at least one active silo.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s).")
                : HealthCheckResult.Unhealthy("No active silo.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The Orleans cluster did not answer.", ex);
        }
    }
}

/// <summary>Ready when the grain storage database accepts a connection and a query.</summary>
public sealed class StorageHealthCheck(IStorageProbe probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await probe.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("Storage answers.")
                : HealthCheckResult.Unhealthy("Storage did not answer.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Storage did not answer.", ex);
        }
    }
}
