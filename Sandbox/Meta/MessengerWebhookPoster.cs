using System.Text;
using System.Text.Json.Nodes;
using KlmSocialPay.Sandbox.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>
/// Delivers one Messenger webhook event to <c>Sandbox:Meta:WebhookUrl</c> in Meta's envelope and encoding,
/// signed as <see cref="MetaSignedWebhook"/> describes. One attempt, no retries.
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

    public async Task<WebhookPostResult> PostAsync(string messageId, byte[] body, CancellationToken cancellationToken)
    {
        var meta = options.Value.Meta;
        var result = await MetaSignedWebhook.PostAsync(
            httpClientFactory.CreateClient(HttpClientName), meta.WebhookUrl, meta.AppSecret, meta.WebhookTimeout, body, cancellationToken);

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
