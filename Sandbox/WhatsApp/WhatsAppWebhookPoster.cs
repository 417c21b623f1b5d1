using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KlmSocialPay.Sandbox.Meta;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>The product's response to one webhook POST: its status code, or why none arrived.</summary>
internal sealed record WhatsAppWebhookResult(int? StatusCode, string? Error)
{
    public bool Accepted => StatusCode is >= 200 and < 300;
}

/// <summary>
/// Builds Cloud API webhook bodies (<c>object: "whatsapp_business_account"</c>, one entry with one change of
/// <c>field: "messages"</c>) in Meta's encoding and delivers them to <c>Sandbox:WhatsApp:WebhookUrl</c>, signed
/// with <c>X-Hub-Signature-256</c> (HMAC-SHA256) and the legacy <c>X-Hub-Signature</c> (HMAC-SHA1), both lower-case
/// hex over the raw body with the app secret as key. One attempt, no retries.
/// </summary>
internal sealed class WhatsAppWebhookPoster(
    IHttpClientFactory httpClientFactory,
    IOptions<SandboxOptions> options,
    ILogger<WhatsAppWebhookPoster> logger)
{
    public const string HttpClientName = "KlmSocialPay.Sandbox.WhatsAppWebhooks";

    private WhatsAppSandboxOptions Settings => options.Value.WhatsApp;

    /// <summary>A customer's text message, with the customer's profile in <c>contacts</c>.</summary>
    public byte[] BuildMessageBody(WhatsAppInboundMessage message)
    {
        var value = Value();
        value["contacts"] = new JsonArray(new JsonObject
        {
            ["profile"] = new JsonObject { ["name"] = message.ProfileName },
            ["wa_id"] = message.WaId,
        });
        value["messages"] = new JsonArray(new JsonObject
        {
            ["from"] = message.WaId,
            ["id"] = message.Id,
            ["timestamp"] = UnixSeconds(message.SentAt),
            ["type"] = "text",
            ["text"] = new JsonObject { ["body"] = message.Text },
        });
        return Envelope(value);
    }

    /// <summary>
    /// A status callback for a message the business sent. Meta adds <c>conversation</c> and <c>pricing</c>
    /// objects for billing; the sandbox leaves them out.
    /// </summary>
    public byte[] BuildStatusBody(WhatsAppOutboundMessage message, string status, DateTimeOffset at, WhatsAppGraphError? error = null)
    {
        var statusObject = new JsonObject
        {
            ["id"] = message.Id,
            ["status"] = status,
            ["timestamp"] = UnixSeconds(at),
            ["recipient_id"] = message.RecipientId,
        };

        if (message.BizOpaqueCallbackData is { } callbackData)
        {
            statusObject["biz_opaque_callback_data"] = callbackData;
        }

        if (error is not null)
        {
            statusObject["errors"] = new JsonArray(new JsonObject
            {
                ["code"] = error.Code,
                ["title"] = error.Title,
                ["message"] = error.Title,
                ["error_data"] = new JsonObject { ["details"] = error.Details ?? error.Title },
            });
        }

        var value = Value();
        value["statuses"] = new JsonArray(statusObject);
        return Envelope(value);
    }

    public async Task<WhatsAppWebhookResult> PostAsync(string description, byte[] body, CancellationToken cancellationToken)
    {
        var settings = Settings;
        var secret = Encoding.UTF8.GetBytes(settings.AppSecret);

        using var request = new HttpRequestMessage(HttpMethod.Post, settings.WebhookUrl);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body)));
        request.Headers.TryAddWithoutValidation("X-Hub-Signature", "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(secret, body)));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.WebhookTimeout);

        WhatsAppWebhookResult result;
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            result = new WhatsAppWebhookResult((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = new WhatsAppWebhookResult(null, $"The webhook at {settings.WebhookUrl} did not answer within {settings.WebhookTimeout}.");
        }
        catch (HttpRequestException exception)
        {
            result = new WhatsAppWebhookResult(null, $"The webhook at {settings.WebhookUrl} could not be reached: {exception.Message}");
        }

        if (result.Accepted)
        {
            logger.LogInformation("WhatsApp sandbox delivered {Webhook} with HTTP {StatusCode}", description, result.StatusCode);
        }
        else
        {
            logger.LogWarning("WhatsApp sandbox delivery of {Webhook} failed with HTTP {StatusCode}, error {Error}", description, result.StatusCode, result.Error);
        }

        return result;
    }

    private JsonObject Value() => new()
    {
        ["messaging_product"] = "whatsapp",
        ["metadata"] = new JsonObject
        {
            ["display_phone_number"] = Settings.DisplayPhoneNumber,
            ["phone_number_id"] = Settings.PhoneNumberId,
        },
    };

    private byte[] Envelope(JsonObject value)
    {
        var body = new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = Settings.BusinessAccountId,
                ["changes"] = new JsonArray(new JsonObject
                {
                    ["value"] = value,
                    ["field"] = "messages",
                }),
            }),
        };

        return Encoding.UTF8.GetBytes(MetaJson.Serialize(body));
    }

    private static string UnixSeconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
