using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>A Send API request that passed validation.</summary>
internal sealed record MessengerSendRequest(string RecipientId, string MessagingType, string? Tag, JsonObject? Message, string? SenderAction);

/// <summary>
/// Validates a Send API body against the limits of the Messenger Send API reference. Text may have up to
/// 2000 characters and button template text up to 640. A template has 1 to 3 buttons with titles up to 20,
/// postback payloads have up to 1000, and a message has up to 13 quick replies. Each failure is a code 100
/// Graph error naming the parameter.
/// </summary>
internal static class MessengerSendRequestParser
{
    public const int MaximumTextLength = 2000;
    public const int MaximumButtonTemplateTextLength = 640;
    public const int MaximumButtons = 3;
    public const int MaximumTitleLength = 20;
    public const int MaximumPayloadLength = 1000;
    public const int MaximumQuickReplies = 13;
    public const int MaximumMetadataLength = 1000;

    public const string Response = "RESPONSE";
    public const string Update = "UPDATE";
    public const string MessageTag = "MESSAGE_TAG";

    public const string HumanAgentTag = "HUMAN_AGENT";

    // NOTE: Meta retired ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE and POST_PURCHASE_UPDATE. The sandbox accepts
    // only the two tags below, and whether Meta still accepts CUSTOMER_FEEDBACK was not verified.
    private static readonly FrozenSet<string> SupportedTags = FrozenSet.ToFrozenSet([HumanAgentTag, "CUSTOMER_FEEDBACK"]);

    private static readonly FrozenSet<string> SenderActions = FrozenSet.ToFrozenSet(["mark_seen", "typing_off", "typing_on"]);

    private static readonly FrozenSet<string> MediaTypes = FrozenSet.ToFrozenSet(["audio", "file", "image", "video"]);

    private static readonly FrozenSet<string> WebviewHeightRatios = FrozenSet.ToFrozenSet(["compact", "full", "tall"]);

    public static MessengerSendRequest Parse(JsonObject body)
    {
        var recipientId = ParseRecipient(body["recipient"]);
        var senderAction = ReadString(body, "sender_action", "sender_action");
        var message = body["message"];

        if (message is null && senderAction is null)
        {
            throw Invalid("Must send either message or state");
        }

        if (message is not null && senderAction is not null)
        {
            throw Invalid("Params message and sender_action cannot be sent in the same request");
        }

        if (senderAction is not null)
        {
            if (!SenderActions.Contains(senderAction))
            {
                throw Invalid($"Param sender_action must be one of {{{string.Join(", ", SenderActions.Order(StringComparer.Ordinal))}}} - got \"{senderAction}\"");
            }

            return new MessengerSendRequest(recipientId, ReadString(body, "messaging_type", "messaging_type") ?? Response, null, null, senderAction);
        }

        var messagingType = ReadString(body, "messaging_type", "messaging_type") ?? throw Invalid("The parameter messaging_type is required");

        if (messagingType is not (Response or Update or MessageTag))
        {
            throw Invalid($"Param messaging_type must be one of {{RESPONSE, UPDATE, MESSAGE_TAG}} - got \"{messagingType}\"");
        }

        var tag = messagingType == MessageTag ? ParseTag(ReadString(body, "tag", "tag")) : null;

        if (message is not JsonObject messageObject)
        {
            throw Invalid("Param message must be a JSON object");
        }

        ValidateMessage(messageObject);

        return new MessengerSendRequest(recipientId, messagingType, tag, messageObject, null);
    }

    private static string ParseRecipient(JsonNode? recipient)
    {
        if (recipient is null)
        {
            throw Invalid("The parameter recipient is required");
        }

        if (recipient is not JsonObject recipientObject)
        {
            throw Invalid("Param recipient must be a JSON object");
        }

        if (recipientObject["id"] is null)
        {
            throw recipientObject.Count > 0
                ? Invalid("The KlmSocialPay sandbox simulates only recipient.id, not user_ref, phone_number, post_id or comment_id")
                : Invalid("Param recipient must contain id");
        }

        var id = recipientObject["id"]!.GetValueKind() switch
        {
            JsonValueKind.String => recipientObject["id"]!.GetValue<string>(),
            JsonValueKind.Number => recipientObject["id"]!.ToJsonString(),
            _ => null,
        };

        if (!MetaIds.IsNumericId(id))
        {
            throw new MetaGraphException(MetaGraphError.NoMatchingUser());
        }

        return id!;
    }

    private static string ParseTag(string? tag)
    {
        if (tag is null)
        {
            throw Invalid("Param tag is required when messaging_type is MESSAGE_TAG");
        }

        if (!SupportedTags.Contains(tag))
        {
            throw Invalid($"Param tag must be one of {{{string.Join(", ", SupportedTags.Order(StringComparer.Ordinal))}}} - got \"{tag}\"; other message tags are retired or unknown");
        }

        return tag;
    }

    private static void ValidateMessage(JsonObject message)
    {
        var text = ReadString(message, "text", "message[text]");
        var attachment = message["attachment"];

        if (text is null && attachment is null)
        {
            throw Invalid("Param message must contain text or attachment");
        }

        if (text is not null && attachment is not null)
        {
            throw Invalid("Params message[text] and message[attachment] cannot both be set");
        }

        if (text is not null)
        {
            RequireLength(text, "message[text]", 1, MaximumTextLength);
        }

        if (attachment is not null)
        {
            ValidateAttachment(attachment);
        }

        if (message["quick_replies"] is { } quickReplies)
        {
            ValidateQuickReplies(quickReplies);
        }

        if (ReadString(message, "metadata", "message[metadata]") is { } metadata)
        {
            RequireLength(metadata, "message[metadata]", 0, MaximumMetadataLength);
        }
    }

    private static void ValidateAttachment(JsonNode attachment)
    {
        if (attachment is not JsonObject attachmentObject)
        {
            throw Invalid("Param message[attachment] must be a JSON object");
        }

        var type = ReadString(attachmentObject, "type", "message[attachment][type]") ?? throw Invalid("Param message[attachment][type] is required");

        if (attachmentObject["payload"] is not JsonObject payload)
        {
            throw Invalid("Param message[attachment][payload] must be a JSON object");
        }

        if (type == "template")
        {
            ValidateTemplate(payload);
        }
        else if (MediaTypes.Contains(type))
        {
            var url = ReadString(payload, "url", "message[attachment][payload][url]");
            var attachmentId = ReadString(payload, "attachment_id", "message[attachment][payload][attachment_id]");

            if (url is null && attachmentId is null)
            {
                throw Invalid("Param message[attachment][payload] must contain url or attachment_id");
            }

            if (url is not null && !SandboxUrls.IsAbsoluteHttpUrl(url))
            {
                throw Invalid("Param message[attachment][payload][url] must be a valid http or https URL");
            }
        }
        else
        {
            throw Invalid($"Param message[attachment][type] must be one of {{audio, file, image, template, video}} - got \"{type}\"");
        }
    }

    private static void ValidateTemplate(JsonObject payload)
    {
        var templateType = ReadString(payload, "template_type", "message[attachment][payload][template_type]")
            ?? throw Invalid("Param message[attachment][payload][template_type] is required");

        if (templateType != "button")
        {
            throw Invalid($"The KlmSocialPay sandbox simulates only the button template, not template_type \"{templateType}\"");
        }

        var text = ReadString(payload, "text", "message[attachment][payload][text]")
            ?? throw Invalid("Param message[attachment][payload][text] is required");
        RequireLength(text, "message[attachment][payload][text]", 1, MaximumButtonTemplateTextLength);

        if (payload["buttons"] is not JsonArray buttons || buttons.Count is < 1 or > MaximumButtons)
        {
            throw Invalid($"Param message[attachment][payload][buttons] must be an array of 1 to {MaximumButtons} buttons");
        }

        for (var index = 0; index < buttons.Count; index++)
        {
            ValidateButton(buttons[index], $"message[attachment][payload][buttons][{index.ToString(CultureInfo.InvariantCulture)}]");
        }
    }

    private static void ValidateButton(JsonNode? button, string path)
    {
        if (button is not JsonObject buttonObject)
        {
            throw Invalid($"Param {path} must be a JSON object");
        }

        var type = ReadString(buttonObject, "type", $"{path}[type]") ?? throw Invalid($"Param {path}[type] is required");
        var title = ReadString(buttonObject, "title", $"{path}[title]") ?? throw Invalid($"Param {path}[title] is required");
        RequireLength(title, $"{path}[title]", 1, MaximumTitleLength);

        switch (type)
        {
            case "web_url":
                var url = ReadString(buttonObject, "url", $"{path}[url]") ?? throw Invalid($"Param {path}[url] is required for a web_url button");

                if (!SandboxUrls.IsAbsoluteHttpUrl(url))
                {
                    throw Invalid($"Param {path}[url] must be a valid http or https URL");
                }

                if (ReadString(buttonObject, "webview_height_ratio", $"{path}[webview_height_ratio]") is { } ratio && !WebviewHeightRatios.Contains(ratio))
                {
                    throw Invalid($"Param {path}[webview_height_ratio] must be one of {{compact, tall, full}} - got \"{ratio}\"");
                }

                break;

            case "postback":
                var payload = ReadString(buttonObject, "payload", $"{path}[payload]") ?? throw Invalid($"Param {path}[payload] is required for a postback button");
                RequireLength(payload, $"{path}[payload]", 1, MaximumPayloadLength);
                break;

            case "phone_number":
                var phone = ReadString(buttonObject, "payload", $"{path}[payload]") ?? throw Invalid($"Param {path}[payload] is required for a phone_number button");

                if (phone.Length < 2 || phone[0] != '+' || !phone[1..].All(char.IsAsciiDigit))
                {
                    throw Invalid($"Param {path}[payload] must be a phone number in the form +<country code><number>");
                }

                break;

            default:
                throw Invalid($"Param {path}[type] must be one of {{web_url, postback, phone_number}} - got \"{type}\"");
        }
    }

    private static void ValidateQuickReplies(JsonNode quickReplies)
    {
        if (quickReplies is not JsonArray replies || replies.Count is < 1 or > MaximumQuickReplies)
        {
            throw Invalid($"Param message[quick_replies] must be an array of 1 to {MaximumQuickReplies} quick replies");
        }

        for (var index = 0; index < replies.Count; index++)
        {
            var path = $"message[quick_replies][{index.ToString(CultureInfo.InvariantCulture)}]";

            if (replies[index] is not JsonObject reply)
            {
                throw Invalid($"Param {path} must be a JSON object");
            }

            var contentType = ReadString(reply, "content_type", $"{path}[content_type]") ?? throw Invalid($"Param {path}[content_type] is required");

            if (contentType is "user_phone_number" or "user_email")
            {
                continue;
            }

            if (contentType != "text")
            {
                throw Invalid($"Param {path}[content_type] must be one of {{text, user_phone_number, user_email}} - got \"{contentType}\"");
            }

            RequireLength(ReadString(reply, "title", $"{path}[title]") ?? "", $"{path}[title]", 1, MaximumTitleLength);
            RequireLength(ReadString(reply, "payload", $"{path}[payload]") ?? "", $"{path}[payload]", 1, MaximumPayloadLength);
        }
    }

    /// <summary>
    /// Checks a length in Unicode code points.
    /// NOTE: Meta documents its limits in "characters" without naming the unit, so counting code points is an assumption.
    /// </summary>
    private static void RequireLength(string value, string path, int minimum, int maximum)
    {
        var length = value.EnumerateRunes().Count();

        if (length < minimum)
        {
            throw Invalid($"Param {path} must be a non-empty UTF-8 encoded string");
        }

        if (length > maximum)
        {
            throw Invalid($"Length of param {path} must be less than or equal to {maximum.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static string? ReadString(JsonObject container, string name, string path)
    {
        var node = container[name];

        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            throw Invalid($"Param {path} must be a string");
        }

        return node.GetValue<string>();
    }

    private static MetaGraphException Invalid(string message) => new(MetaGraphError.InvalidParameter(message));
}

/// <summary>Ends a Send API request with a Graph error.</summary>
internal sealed class MetaGraphException(MetaGraphError error) : Exception(error.Message)
{
    public MetaGraphError Error { get; } = error;
}
