using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>The product's response to one webhook POST: its status code, or why none arrived.</summary>
internal sealed record MessengerWebhookResult(int? StatusCode, string? Error)
{
    public bool Accepted => StatusCode is >= 200 and < 300;
}

/// <summary>
/// Delivers one Messenger webhook event to <c>Sandbox:Meta:WebhookUrl</c> in Meta's envelope and encoding,
/// signed with <c>X-Hub-Signature-256</c> (HMAC-SHA256) and the legacy <c>X-Hub-Signature</c> (HMAC-SHA1),
/// both lower-case hex over the raw body with the app secret as key. One attempt, no retries.
/// </summary>
internal sealed class MessengerWebhookPoster(
    IHttpClientFactory httpClientFactory,
    IOptions<SandboxOptions> options,
    SandboxClock clock,
    ILogger<MessengerWebhookPoster> logger)
{
    public const string HttpClientName = "KlmSocialPay.Sandbox.MessengerWebhooks";

    /// <summary>Builds the body for one <c>messaging</c> item from <paramref name="psid"/> to the Page.</summary>
    public byte[] BuildBody(string psid, string eventName, JsonObject eventPayload)
    {
        var pageId = options.Value.Meta.PageId;
        var now = clock.RealUtcNow.ToUnixTimeMilliseconds();

        var body = new JsonObject
        {
            ["object"] = "page",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = pageId,
                ["time"] = now,
                ["messaging"] = new JsonArray(new JsonObject
                {
                    ["sender"] = new JsonObject { ["id"] = psid },
                    ["recipient"] = new JsonObject { ["id"] = pageId },
                    ["timestamp"] = now,
                    [eventName] = eventPayload,
                }),
            }),
        };

        return Encoding.UTF8.GetBytes(MetaJson.Serialize(body));
    }

    public async Task<MessengerWebhookResult> PostAsync(string messageId, byte[] body, CancellationToken cancellationToken)
    {
        var meta = options.Value.Meta;
        var secret = Encoding.UTF8.GetBytes(meta.AppSecret);

        using var request = new HttpRequestMessage(HttpMethod.Post, meta.WebhookUrl);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body)));
        request.Headers.TryAddWithoutValidation("X-Hub-Signature", "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(secret, body)));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(meta.WebhookTimeout);

        MessengerWebhookResult result;

        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            result = new MessengerWebhookResult((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = new MessengerWebhookResult(null, $"The webhook at {meta.WebhookUrl} did not answer within {meta.WebhookTimeout}.");
        }
        catch (HttpRequestException exception)
        {
            result = new MessengerWebhookResult(null, $"The webhook at {meta.WebhookUrl} could not be reached: {exception.Message}");
        }

        if (result.Accepted)
        {
            logger.LogInformation("Messenger sandbox delivered customer event {MessageId} with HTTP {StatusCode}", messageId, result.StatusCode);
        }
        else
        {
            logger.LogWarning(
                "Messenger sandbox delivery of customer event {MessageId} failed with HTTP {StatusCode}, error {Error}",
                messageId, result.StatusCode, result.Error);
        }

        return result;
    }
}
