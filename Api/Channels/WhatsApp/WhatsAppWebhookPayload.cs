using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KlmSocialPay.Api.Channels.WhatsApp;

/// <summary>
/// A platform status callback for one message the product sent. <see cref="MessageId"/> is the product's
/// <c>msg_…</c> id, which the sender puts in <c>biz_opaque_callback_data</c> and Meta returns on every status.
/// </summary>
internal sealed record WhatsAppStatusUpdate(string PlatformMessageId, DeliveryStatus Status, DateTimeOffset At, string? ErrorCode, string? MessageId);

/// <summary>One thing the webhook applies to a conversation grain: a customer message or a status callback.</summary>
internal sealed record WhatsAppConversationUpdate(ConversationKey Key, InboundMessage? Message, WhatsAppStatusUpdate? Status);

/// <summary>
/// Turns a Cloud API webhook body into conversation updates. Only changes with <c>field: "messages"</c> carry
/// messages and statuses; a value may hold <c>messages</c>, <c>statuses</c>, both or neither.
/// </summary>
internal static class WhatsAppWebhookReader
{
    /// <summary>Message types whose content the product keeps only as an attachment type.</summary>
    private static readonly HashSet<string> AttachmentTypes =
        new(["image", "audio", "video", "document", "sticker", "location", "contacts"], StringComparer.Ordinal);

    public static List<WhatsAppConversationUpdate> Read(
        IReadOnlyList<WhatsAppEntry?> entries, string configuredPhoneNumberId, DateTimeOffset now, ILogger logger)
    {
        var updates = new List<WhatsAppConversationUpdate>();
        foreach (var change in entries.SelectMany(entry => entry?.Changes ?? []))
        {
            if (change is not { Field: "messages", Value: { } value })
            {
                continue;
            }

            var phoneNumberId = value.Metadata?.PhoneNumberId;
            if (!string.IsNullOrEmpty(configuredPhoneNumberId) && phoneNumberId is not null && phoneNumberId != configuredPhoneNumberId)
            {
                // Replies always leave from the configured number, and the 24-hour window belongs to the number the customer wrote to.
                logger.LogWarning("WhatsApp change for phone number id {PhoneNumberId} skipped; the configured one is {ConfiguredPhoneNumberId}",
                    phoneNumberId, configuredPhoneNumberId);
                continue;
            }

            foreach (var message in value.Messages ?? [])
            {
                if (ToInbound(message, now, logger) is { } update)
                {
                    updates.Add(update);
                }
            }

            foreach (var status in value.Statuses ?? [])
            {
                if (ToStatus(status, now, logger) is { } update)
                {
                    updates.Add(update);
                }
            }
        }

        return updates;
    }

    private static WhatsAppConversationUpdate? ToInbound(WhatsAppMessage? message, DateTimeOffset now, ILogger logger)
    {
        if (message is null)
        {
            return null;
        }

        if (!ConversationKey.IsValidCustomerId(message.From) || string.IsNullOrEmpty(message.Id))
        {
            logger.LogWarning("WhatsApp message without a usable sender wa_id or id skipped");
            return null;
        }

        var type = message.Type ?? "";
        string? text;
        IReadOnlyList<string> attachments = [];
        switch (type)
        {
            case "text":
                text = message.Text?.Body;
                break;
            case "button":
                text = message.Button?.Text;
                break;
            case "interactive":
                text = message.Interactive?.ButtonReply?.Title ?? message.Interactive?.ListReply?.Title;
                if (text is null)
                {
                    attachments = ["interactive"];
                }

                break;
            case var media when AttachmentTypes.Contains(media):
                text = null;
                attachments = [media];
                break;
            default:
                // Reactions, system notices, orders and unsupported content carry no text for the agent.
                logger.LogDebug("WhatsApp message {PlatformMessageId} of type {MessageType} skipped", message.Id, type);
                return null;
        }

        var sentAt = message.Timestamp is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : now;
        return new WhatsAppConversationUpdate(
            new ConversationKey(Channel.WhatsApp, message.From), new InboundMessage(message.Id, text, attachments, sentAt), null);
    }

    private static WhatsAppConversationUpdate? ToStatus(WhatsAppStatus? status, DateTimeOffset now, ILogger logger)
    {
        if (status is null)
        {
            return null;
        }

        DeliveryStatus? delivery = status.Status switch
        {
            "sent" => DeliveryStatus.Sent,
            "delivered" => DeliveryStatus.Delivered,
            "read" => DeliveryStatus.Read,
            "failed" => DeliveryStatus.Failed,
            _ => null,
        };
        if (delivery is null)
        {
            // The product does not track other values, such as "deleted" or "played".
            return null;
        }

        if (!ConversationKey.IsValidCustomerId(status.RecipientId) || string.IsNullOrEmpty(status.Id))
        {
            logger.LogWarning("WhatsApp status without a usable recipient_id or message id skipped");
            return null;
        }

        var at = status.Timestamp is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : now;
        var errorCode = status.Errors?.FirstOrDefault(error => error is not null)?.Code?.ToString(CultureInfo.InvariantCulture);
        var messageId = status.CallbackData?.StartsWith("msg_", StringComparison.Ordinal) == true ? status.CallbackData : null;
        return new WhatsAppConversationUpdate(
            new ConversationKey(Channel.WhatsApp, status.RecipientId), null,
            new WhatsAppStatusUpdate(status.Id, delivery.Value, at, errorCode, messageId));
    }
}

internal sealed record WhatsAppNotification(
    [property: JsonPropertyName("object")] string? Object,
    [property: JsonPropertyName("entry")] IReadOnlyList<WhatsAppEntry?>? Entry);

internal sealed record WhatsAppEntry(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("changes")] IReadOnlyList<WhatsAppChange?>? Changes);

internal sealed record WhatsAppChange(
    [property: JsonPropertyName("field")] string? Field,
    [property: JsonPropertyName("value")] WhatsAppChangeValue? Value);

internal sealed record WhatsAppChangeValue(
    [property: JsonPropertyName("messaging_product")] string? MessagingProduct,
    [property: JsonPropertyName("metadata")] WhatsAppMetadata? Metadata,
    [property: JsonPropertyName("messages")] IReadOnlyList<WhatsAppMessage?>? Messages,
    [property: JsonPropertyName("statuses")] IReadOnlyList<WhatsAppStatus?>? Statuses);

internal sealed record WhatsAppMetadata(
    [property: JsonPropertyName("display_phone_number")] string? DisplayPhoneNumber,
    [property: JsonPropertyName("phone_number_id")] string? PhoneNumberId);

internal sealed record WhatsAppMessage(
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("timestamp"), JsonConverter(typeof(UnixSecondsConverter))] long? Timestamp,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("text")] WhatsAppText? Text,
    [property: JsonPropertyName("button")] WhatsAppButton? Button,
    [property: JsonPropertyName("interactive")] WhatsAppInteractive? Interactive);

internal sealed record WhatsAppText([property: JsonPropertyName("body")] string? Body);

/// <summary>A tapped quick-reply button of a template message.</summary>
internal sealed record WhatsAppButton(
    [property: JsonPropertyName("payload")] string? Payload,
    [property: JsonPropertyName("text")] string? Text);

internal sealed record WhatsAppInteractive(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("button_reply")] WhatsAppReply? ButtonReply,
    [property: JsonPropertyName("list_reply")] WhatsAppReply? ListReply);

internal sealed record WhatsAppReply(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("title")] string? Title);

internal sealed record WhatsAppStatus(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("timestamp"), JsonConverter(typeof(UnixSecondsConverter))] long? Timestamp,
    [property: JsonPropertyName("recipient_id")] string? RecipientId,
    [property: JsonPropertyName("biz_opaque_callback_data")] string? CallbackData,
    [property: JsonPropertyName("errors")] IReadOnlyList<WhatsAppError?>? Errors);

internal sealed record WhatsAppError(
    [property: JsonPropertyName("code")] int? Code,
    [property: JsonPropertyName("title")] string? Title);

/// <summary>
/// Reads a Cloud API timestamp: unix seconds as a string of digits, as Meta sends it. A JSON number is
/// accepted too. Anything else is a malformed body.
/// </summary>
internal sealed class UnixSecondsConverter : JsonConverter<long?>
{
    /// <summary>The last second of year 9999, the largest value <see cref="DateTimeOffset"/> can hold.</summary>
    private const long MaxSeconds = 253_402_300_799;

    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) && number is >= 0 and <= MaxSeconds)
        {
            return number;
        }

        if (reader.TokenType == JsonTokenType.String
            && long.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds <= MaxSeconds)
        {
            return seconds;
        }

        throw new JsonException("The timestamp must be unix seconds written as a string of digits.");
    }

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Webhook bodies are only read.");
}
