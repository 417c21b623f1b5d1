using KlmSocialPay.Api.Operations;
using KlmSocialPay.Grains.Reconciliation;

namespace KlmSocialPay.Silo.Hosting;

/// <summary>Arms the daily reconciliation reminder once the silo runs. The reminder itself is durable.</summary>
public sealed class ReconciliationSchedule(
    IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<ReconciliationSchedule> logger) : BackgroundService
{
    private const int MaxAttempts = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                await grains.GetGrain<IReconciliationGrain>(ReconciliationApi.Provider).EnsureScheduled();
                logger.LogInformation("Daily reconciliation scheduled");
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Scheduling the daily reconciliation failed (attempt {Attempt} of {MaxAttempts})", attempt, MaxAttempts);
                await Task.Delay(TimeSpan.FromSeconds(10), stoppingToken);
            }
        }
    }
}
