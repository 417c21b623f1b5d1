using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>
/// A send request that passed validation. <see cref="To"/> is the value as the caller wrote it and
/// <see cref="WaId"/> its digits; <see cref="Content"/> is the <c>text</c> or <c>interactive</c> object.
/// </summary>
internal sealed record WhatsAppSendRequest(string To, string WaId, string Type, JsonObject Content, string? CallbackData);

/// <summary>
/// Validates a Cloud API send body against the limits of Meta's Messages API reference: text bodies up to
/// 4096 characters; for an interactive call-to-action URL message a body text up to 1024, a button label
/// (<c>display_text</c>) up to 20, an http or https URL, and an optional header and footer text up to 60.
/// Each failure is a code 100 error whose details name the parameter. Other message types are real but not
/// simulated, and are rejected with details that name the type.
/// </summary>
internal static class WhatsAppSendRequestParser
{
    public const int MaximumTextLength = 4096;
    public const int MaximumInteractiveBodyLength = 1024;
    public const int MaximumDisplayTextLength = 20;
    public const int MaximumHeaderTextLength = 60;
    public const int MaximumFooterTextLength = 60;

    /// <summary>Message types of the Cloud API that the sandbox does not simulate.</summary>
    private static readonly FrozenSet<string> NotSimulatedTypes = FrozenSet.ToFrozenSet(
        ["audio", "contacts", "document", "image", "location", "reaction", "sticker", "template", "video"]);

    private static readonly FrozenSet<string> MediaHeaderTypes = FrozenSet.ToFrozenSet(["document", "image", "video"]);

    public static WhatsAppSendRequest Parse(JsonObject body)
    {
        var product = ReadString(body, "messaging_product");
        if (product is null)
        {
            throw Invalid("The parameter messaging_product is required.");
        }

        if (product != "whatsapp")
        {
            throw Invalid($"messaging_product must be \"whatsapp\", got \"{product}\".");
        }

        var recipientType = ReadString(body, "recipient_type");
        if (recipientType is not (null or "individual"))
        {
            throw Invalid($"recipient_type must be \"individual\" (the sandbox does not simulate groups), got \"{recipientType}\".");
        }

        var to = ReadString(body, "to") ?? throw Invalid("The parameter to is required.");
        var waId = to.StartsWith('+') ? to[1..] : to;
        if (!MetaIds.IsNumericId(waId))
        {
            throw Invalid($"to must be a phone number or wa_id of 1 to 20 digits, optionally with a leading '+', got \"{to}\".");
        }

        var callbackData = ReadString(body, "biz_opaque_callback_data");
        var type = ReadString(body, "type") ?? "text";
        var content = type switch
        {
            "text" => ParseText(body["text"]),
            "interactive" => ParseInteractive(body["interactive"]),
            _ when NotSimulatedTypes.Contains(type) => throw Invalid($"The sandbox does not simulate messages of type \"{type}\"; send text or interactive."),
            _ => throw Invalid($"type \"{type}\" is not a message type; use text or interactive."),
        };

        return new WhatsAppSendRequest(to, waId, type, content, callbackData);
    }

    private static JsonObject ParseText(JsonNode? node)
    {
        if (node is not JsonObject text)
        {
            throw Invalid("The parameter text is required for a text message and must be an object with a body.");
        }

        RequireLength(ReadString(text, "body", "text.body"), "text.body", MaximumTextLength);

        if (text["preview_url"] is { } preview && preview.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw Invalid("text.preview_url must be a boolean.");
        }

        return (JsonObject)text.DeepClone();
    }

    private static JsonObject ParseInteractive(JsonNode? node)
    {
        if (node is not JsonObject interactive)
        {
            throw Invalid("The parameter interactive is required for an interactive message and must be an object.");
        }

        var type = ReadString(interactive, "type", "interactive.type") ?? throw Invalid("interactive.type is required.");
        if (type != "cta_url")
        {
            throw Invalid($"The sandbox simulates only interactive.type \"cta_url\", got \"{type}\".");
        }

        if (interactive["body"] is not JsonObject body)
        {
            throw Invalid("interactive.body is required and must be an object with a text.");
        }

        RequireLength(ReadString(body, "text", "interactive.body.text"), "interactive.body.text", MaximumInteractiveBodyLength);

        if (interactive["action"] is not JsonObject action)
        {
            throw Invalid("interactive.action is required and must be an object.");
        }

        var name = ReadString(action, "name", "interactive.action.name");
        if (name != "cta_url")
        {
            throw Invalid($"interactive.action.name must be \"cta_url\", got \"{name}\".");
        }

        if (action["parameters"] is not JsonObject parameters)
        {
            throw Invalid("interactive.action.parameters is required and must be an object with display_text and url.");
        }

        RequireLength(ReadString(parameters, "display_text", "interactive.action.parameters.display_text"),
            "interactive.action.parameters.display_text", MaximumDisplayTextLength);

        var url = ReadString(parameters, "url", "interactive.action.parameters.url");
        if (string.IsNullOrEmpty(url) || !SandboxUrls.IsAbsoluteHttpUrl(url))
        {
            throw Invalid($"interactive.action.parameters.url must be an absolute http or https URL, got \"{url}\".");
        }

        ParseHeader(interactive["header"]);

        if (interactive["footer"] is { } footerNode)
        {
            if (footerNode is not JsonObject footer)
            {
                throw Invalid("interactive.footer must be an object with a text.");
            }

            RequireLength(ReadString(footer, "text", "interactive.footer.text"), "interactive.footer.text", MaximumFooterTextLength);
        }

        return (JsonObject)interactive.DeepClone();
    }

    private static void ParseHeader(JsonNode? node)
    {
        if (node is null)
        {
            return;
        }

        if (node is not JsonObject header)
        {
            throw Invalid("interactive.header must be an object.");
        }

        var type = ReadString(header, "type", "interactive.header.type");
        if (type == "text")
        {
            RequireLength(ReadString(header, "text", "interactive.header.text"), "interactive.header.text", MaximumHeaderTextLength);
            return;
        }

        if (type is null || !MediaHeaderTypes.Contains(type))
        {
            throw Invalid($"interactive.header.type must be text, image, video or document, got \"{type}\".");
        }

        if (header[type] is not JsonObject media || (ReadString(media, "link", $"interactive.header.{type}.link") is null && ReadString(media, "id", $"interactive.header.{type}.id") is null))
        {
            throw Invalid($"interactive.header.{type} must be an object with a link or a media id.");
        }
    }

    private static void RequireLength(string? value, string name, int maximum)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw Invalid($"{name} is required and must not be empty.");
        }

        if (value.Length > maximum)
        {
            throw Invalid($"{name} must be at most {maximum} characters, got {value.Length}.");
        }
    }

    /// <summary>Reads an optional string member; a member of another JSON type is an error naming <paramref name="path"/>.</summary>
    private static string? ReadString(JsonObject parent, string name, string? path = null)
    {
        var node = parent[name];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            throw Invalid($"{path ?? name} must be a string.");
        }

        return node.GetValue<string>();
    }

    private static WhatsAppGraphException Invalid(string details) => new(WhatsAppGraphError.InvalidParameter(details));
}
