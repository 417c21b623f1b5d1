using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>A status webhook to post for an outbound message once <see cref="DueAt"/> (real time) has passed.</summary>
internal sealed record WhatsAppPendingStatus(string MessageId, string Status, DateTimeOffset DueAt);

/// <summary>Status webhooks waiting for their time, in the order they were scheduled.</summary>
internal sealed class WhatsAppStatusQueue
{
    private readonly Channel<WhatsAppPendingStatus> pending = Channel.CreateUnbounded<WhatsAppPendingStatus>(
        new UnboundedChannelOptions { SingleReader = true });

    public void Schedule(WhatsAppPendingStatus status) => pending.Writer.TryWrite(status);

    public ChannelReader<WhatsAppPendingStatus> Reader => pending.Reader;
}

/// <summary>
/// Posts the <c>sent</c> and <c>delivered</c> statuses of accepted sends, one at a time in scheduling order.
/// A status is skipped when the message already reached it or a later one (a <c>read</c> posted in between),
/// as WhatsApp sends no <c>delivered</c> for a message that was delivered and read at once.
/// </summary>
internal sealed class WhatsAppStatusWorker(
    WhatsAppStatusQueue queue,
    WhatsAppStore store,
    WhatsAppWebhookPoster poster,
    TimeProvider timeProvider,
    ILogger<WhatsAppStatusWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var status in queue.Reader.ReadAllAsync(stoppingToken))
            {
                var wait = status.DueAt - timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, timeProvider, stoppingToken);
                }

                await PostAsync(status, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogDebug("WhatsApp sandbox status worker stopped");
        }
    }

    private async Task PostAsync(WhatsAppPendingStatus status, CancellationToken cancellationToken)
    {
        if (store.Advance(status.MessageId, status.Status) is not { } message)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var body = poster.BuildStatusBody(message, status.Status, now);
        var result = await poster.PostAsync($"status {status.Status} of {status.MessageId}", body, cancellationToken);
        store.RecordStatusPost(status.MessageId, new WhatsAppStatusPost(status.Status, now, result.StatusCode, result.Error));
    }
}
