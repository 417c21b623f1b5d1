using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// Posts each event to <c>Sandbox:Stripe:WebhookUrl</c> the way Stripe does, and retries a failed attempt
/// (non-2xx, timeout or connection error) after each delay of <c>Sandbox:Stripe:WebhookRetryDelays</c>.
/// Every event has its own task, so a slow or failing delivery never holds up another.
/// </summary>
internal sealed class WebhookDeliveryWorker(
    WebhookDeliveryQueue queue,
    WebhookDeliveryLog deliveryLog,
    IHttpClientFactory httpClientFactory,
    IOptions<SandboxOptions> options,
    SandboxClock clock,
    TimeProvider timeProvider,
    ILogger<WebhookDeliveryWorker> logger) : BackgroundService
{
    public const string HttpClientName = "KlmSocialPay.Sandbox.StripeWebhooks";

    /// <summary>The User-Agent Stripe's webhook sender is commonly observed to use.</summary>
    public const string UserAgent = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";

    private readonly ConcurrentDictionary<Task, byte> runningDeliveries = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var record in queue.Reader.ReadAllAsync(stoppingToken))
            {
                var delivery = DeliverAsync(record, stoppingToken);
                runningDeliveries.TryAdd(delivery, 0);
                _ = delivery.ContinueWith(finished => runningDeliveries.TryRemove(finished, out _), TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping, and deliveries in progress observe the same token.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(runningDeliveries.Keys).WaitAsync(cancellationToken);
    }

    private async Task DeliverAsync(StripeEventRecord record, CancellationToken stoppingToken)
    {
        var stripe = options.Value.Stripe;
        var retryDelays = stripe.EffectiveWebhookRetryDelays;
        var body = StripeJson.Encoding.GetBytes(record.WebhookBody);
        var client = httpClientFactory.CreateClient(HttpClientName);

        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var (statusCode, error) = await SendAsync(client, stripe, body, stoppingToken);
                var delivered = statusCode is >= 200 and < 300;
                var givenUp = !delivered && attempt > retryDelays.Count;
                DateTimeOffset? nextAttemptAt = delivered || givenUp ? null : clock.RealUtcNow + retryDelays[attempt - 1];

                deliveryLog.RecordAttempt(record.Id, attempt, statusCode, error, delivered, givenUp, nextAttemptAt);
                LogAttempt(record, attempt, statusCode, error, delivered, givenUp);

                if (delivered || givenUp)
                {
                    return;
                }

                await Task.Delay(retryDelays[attempt - 1], timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Stripe sandbox stopped delivering event {EventId} {EventType} because the host is stopping", record.Id, record.Type);
        }
    }

    /// <summary>Makes one attempt with a fresh timestamp and signature, and returns the status code or the failure.</summary>
    private async Task<(int? StatusCode, string? Error)> SendAsync(
        HttpClient client,
        StripeSandboxOptions stripe,
        byte[] body,
        CancellationToken stoppingToken)
    {
        var timestamp = clock.RealUtcNow.ToUnixTimeSeconds();

        using var request = new HttpRequestMessage(HttpMethod.Post, stripe.WebhookUrl);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeWebhookSignature.CreateHeader(stripe.WebhookSecret, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(stripe.WebhookTimeout);

        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return ((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return (null, $"timed out after {stripe.WebhookTimeout}");
        }
        catch (HttpRequestException exception)
        {
            return (null, exception.HttpRequestError == HttpRequestError.Unknown ? exception.Message : exception.HttpRequestError.ToString());
        }
    }

    private void LogAttempt(StripeEventRecord record, int attempt, int? statusCode, string? error, bool delivered, bool givenUp)
    {
        if (delivered)
        {
            logger.LogInformation(
                "Stripe sandbox delivered event {EventId} {EventType} on attempt {Attempt} with HTTP {StatusCode}",
                record.Id, record.Type, attempt, statusCode);
        }
        else if (givenUp)
        {
            logger.LogWarning(
                "Stripe sandbox gave up delivering event {EventId} {EventType} after attempt {Attempt} (HTTP {StatusCode}, error {Error})",
                record.Id, record.Type, attempt, statusCode, error);
        }
        else
        {
            logger.LogWarning(
                "Stripe sandbox delivery of event {EventId} {EventType} failed on attempt {Attempt} (HTTP {StatusCode}, error {Error}); it will be retried",
                record.Id, record.Type, attempt, statusCode, error);
        }
    }
}
