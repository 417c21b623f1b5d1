using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// Every <c>Sandbox:Stripe:ExpiryCheckInterval</c>, expires open sessions past <c>expires_at</c> and, when
/// <c>Sandbox:Stripe:DelayedPaymentSettleAfter</c> is set, settles delayed payments that waited that long.
/// Both compare against the sandbox clock, so moving the clock forward takes effect at the next check.
/// Each check also settles every pending refund, so a refund stays pending for at most one interval.
/// </summary>
internal sealed class CheckoutSessionTimerWorker(
    CheckoutSessionStore sessions,
    IOptions<SandboxOptions> options,
    SandboxClock clock,
    TimeProvider timeProvider,
    ILogger<CheckoutSessionTimerWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stripe = options.Value.Stripe;
        using var timer = new PeriodicTimer(stripe.ExpiryCheckInterval, timeProvider);

        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                RunChecks(stripe);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private void RunChecks(StripeSandboxOptions stripe)
    {
        // A failure here would end the worker and silently stop all expiries, so it is logged and the next tick retries.
        try
        {
            var now = clock.UtcNow;
            var expired = sessions.ExpireDue(now);
            var settled = stripe.DelayedPaymentSettleAfter is { } settleAfter ? sessions.SettleDue(now, settleAfter) : 0;
            var refunds = sessions.Payments.SettlePendingRefunds();

            if (expired > 0 || settled > 0 || refunds > 0)
            {
                logger.LogDebug(
                    "Stripe sandbox timer expired {ExpiredCount} and settled {SettledCount} Checkout Sessions and {RefundCount} refunds",
                    expired, settled, refunds);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogError(exception, "Stripe sandbox timer failed to expire or settle Checkout Sessions or refunds; it retries at the next check");
        }
    }
}
