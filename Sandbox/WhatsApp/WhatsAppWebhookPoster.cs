using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using KlmSocialPay.Sandbox.Messaging;
using KlmSocialPay.Sandbox.Meta;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>
/// Builds Cloud API webhook bodies (<c>object: "whatsapp_business_account"</c>, one entry with one change of
/// <c>field: "messages"</c>) in Meta's encoding and delivers them to <c>Sandbox:WhatsApp:WebhookUrl</c>, signed
/// as <see cref="MetaSignedWebhook"/> describes. One attempt, no retries.
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

    public async Task<WebhookPostResult> PostAsync(string description, byte[] body, CancellationToken cancellationToken)
    {
        var settings = Settings;
        var result = await MetaSignedWebhook.PostAsync(
            httpClientFactory.CreateClient(HttpClientName), settings.WebhookUrl, settings.AppSecret, settings.WebhookTimeout, body, cancellationToken);

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
