using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Sandbox.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.X;

/// <summary>
/// The outcome of one CRC check. <see cref="Valid"/> is true when the product returned 200,
/// <c>application/json</c> and the expected <c>response_token</c> within X's 3-second deadline.
/// </summary>
internal sealed record XCrcCheckResult(
    bool Valid,
    string CrcToken,
    string ExpectedResponseToken,
    string? ReceivedResponseToken,
    int? StatusCode,
    string? ContentType,
    long ElapsedMilliseconds,
    bool WithinDeadline,
    string? Error);

/// <summary>
/// Talks to the product's X webhook at <c>Sandbox:X:WebhookUrl</c> as X does: Account Activity POSTs signed
/// with <c>x-twitter-webhooks-signature: sha256=&lt;base64 HMAC-SHA256(consumer secret, raw body)&gt;</c>,
/// one attempt without retries, and the CRC GET with a fresh <c>crc_token</c>.
/// </summary>
internal sealed class XWebhookPoster(
    IHttpClientFactory httpClientFactory,
    IOptions<SandboxOptions> options,
    ILogger<XWebhookPoster> logger)
{
    public const string HttpClientName = "KlmSocialPay.Sandbox.XWebhooks";

    public const string SignatureHeader = "x-twitter-webhooks-signature";

    /// <summary>Time X allows for the response to a CRC GET.</summary>
    public static readonly TimeSpan CrcDeadline = TimeSpan.FromSeconds(3);

    private XSandboxOptions X => options.Value.X;

    /// <summary>Computes <c>sha256=&lt;base64 HMAC-SHA256&gt;</c> of <paramref name="data"/> with the consumer secret.</summary>
    public string Sign(ReadOnlySpan<byte> data) =>
        "sha256=" + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(X.ConsumerSecret), data));

    public async Task<WebhookPostResult> PostAsync(string eventId, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, X.WebhookUrl);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(X.WebhookTimeout);

        WebhookPostResult result;
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            result = new WebhookPostResult((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = new WebhookPostResult(null, $"The webhook at {X.WebhookUrl} did not respond within {X.WebhookTimeout}.");
        }
        catch (HttpRequestException exception)
        {
            result = new WebhookPostResult(null, $"The webhook at {X.WebhookUrl} could not be reached: {exception.Message}");
        }

        if (result.Accepted)
        {
            logger.LogInformation("X sandbox delivered customer event {EventId} with HTTP {StatusCode}", eventId, result.StatusCode);
        }
        else
        {
            logger.LogWarning(
                "X sandbox delivery of customer event {EventId} failed with HTTP {StatusCode}, error {Error}",
                eventId, result.StatusCode, result.Error);
        }

        return result;
    }

    /// <summary>Sends <c>GET {WebhookUrl}?crc_token=…</c> and checks the response as X does.</summary>
    public async Task<XCrcCheckResult> CheckCrcAsync(CancellationToken cancellationToken)
    {
        var crcToken = Guid.NewGuid().ToString();
        var expected = Sign(Encoding.UTF8.GetBytes(crcToken));
        var separator = X.WebhookUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var url = $"{X.WebhookUrl}{separator}crc_token={Uri.EscapeDataString(crcToken)}";

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(X.WebhookTimeout);
        var stopwatch = Stopwatch.StartNew();

        int statusCode;
        string? contentType;
        string payload;
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).GetAsync(url, timeout.Token);
            payload = await response.Content.ReadAsStringAsync(timeout.Token);
            statusCode = (int)response.StatusCode;
            contentType = response.Content.Headers.ContentType?.MediaType;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed($"The webhook at {X.WebhookUrl} did not respond to the CRC GET within {X.WebhookTimeout}.");
        }
        catch (HttpRequestException exception)
        {
            return Failed($"The webhook at {X.WebhookUrl} could not be reached: {exception.Message}");
        }

        var elapsed = stopwatch.ElapsedMilliseconds;
        var withinDeadline = stopwatch.Elapsed <= CrcDeadline;
        var received = ReadResponseToken(payload);

        string? error = null;
        if (statusCode != 200)
        {
            error = $"The product returned HTTP {statusCode}, but X requires 200.";
        }
        else if (contentType != "application/json")
        {
            error = $"The product returned Content-Type '{contentType}', but X requires application/json.";
        }
        else if (received is null)
        {
            error = "The body has no string 'response_token'.";
        }
        else if (received != expected)
        {
            error = "response_token does not match sha256=<base64 HMAC-SHA256(consumer secret, crc_token)>; check that the product uses the same consumer secret.";
        }
        else if (!withinDeadline)
        {
            error = $"The product responded after {elapsed} ms, but X allows {CrcDeadline.TotalMilliseconds} ms.";
        }

        logger.LogInformation("X sandbox CRC check got HTTP {StatusCode} in {ElapsedMilliseconds} ms, valid {Valid}", statusCode, elapsed, error is null);
        return new XCrcCheckResult(error is null, crcToken, expected, received, statusCode, contentType, elapsed, withinDeadline, error);

        XCrcCheckResult Failed(string reason)
        {
            logger.LogWarning("X sandbox CRC check failed: {Error}", reason);
            return new XCrcCheckResult(false, crcToken, expected, null, null, null, stopwatch.ElapsedMilliseconds, false, reason);
        }
    }

    private static string? ReadResponseToken(string payload)
    {
        try
        {
            return JsonNode.Parse(payload) is JsonObject body && body["response_token"] is JsonValue token
                && token.GetValueKind() == JsonValueKind.String
                ? token.GetValue<string>()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
