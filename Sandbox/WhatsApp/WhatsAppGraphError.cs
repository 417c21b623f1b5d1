using System.Text.Json.Nodes;
using KlmSocialPay.Sandbox.Meta;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>
/// A Cloud API error: <c>{"error":{"message","type","code","error_data":{"messaging_product","details"},"fbtrace_id"}}</c>.
/// Messaging errors carry no <c>error_subcode</c> since Graph v16.0; Graph-level errors (tokens, unknown
/// objects) keep the plain Graph shape without <c>error_data</c>. HTTP statuses follow Meta's Cloud API error
/// reference: 400 for request, window and rate-limit errors, 401 for tokens, 429 for the app's call limit,
/// 500 and 503 for Meta's own failures.
/// </summary>
internal sealed record WhatsAppGraphError(
    int HttpStatus, int Code, string Message, string? Details, string Type = "OAuthException", int? Subcode = null, bool IsTransient = false)
{
    public static WhatsAppGraphError InvalidToken() =>
        new(401, 190, "Invalid OAuth access token - Cannot parse access token", null);

    public static WhatsAppGraphError ExpiredToken() =>
        new(401, 190, "Error validating access token: Session has expired.", null);

    public static WhatsAppGraphError MissingToken() =>
        new(400, 104, "An access token is required to request this resource.", null);

    public static WhatsAppGraphError UnknownVersion(string version) =>
        new(400, 2500, $"Unknown path components: /{version} is not a Graph API version such as v25.0.", null);

    public static WhatsAppGraphError UnknownPhoneNumber(string phoneNumberId) =>
        new(400, 100, $"Unsupported post request. Object with ID '{phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", null, "GraphMethodException", Subcode: 33);

    /// <summary>Code 100 with <paramref name="details"/> naming the parameter and what is wrong with it.</summary>
    public static WhatsAppGraphError InvalidParameter(string details) =>
        new(400, 100, "(#100) Invalid parameter", details);

    public static WhatsAppGraphError ReEngagement() =>
        new(400, 131047, "(#131047) Re-engagement message",
            "The customer last wrote more than 24 hours ago, so only a template message can be sent.");

    public static WhatsAppGraphError Undeliverable() =>
        new(400, 131026, "(#131026) Message undeliverable",
            "The recipient cannot receive this message: not a WhatsApp user, an outdated app, or the business is blocked.");

    public static WhatsAppGraphError UnsupportedMessageType() =>
        new(400, 131051, "(#131051) Unsupported message type", "This message type is not supported.");

    public static WhatsAppGraphError ThroughputLimit() =>
        new(400, 130429, "(#130429) Rate limit hit", "The phone number reached its Cloud API message throughput.");

    public static WhatsAppGraphError PairRateLimit() =>
        new(400, 131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit",
            "Too many messages went from this phone number to the same recipient in a short time.");

    public static WhatsAppGraphError AccountRateLimit() =>
        new(400, 80007, "(#80007) Rate limit issues", "The WhatsApp Business Account reached its rate limit.");

    public static WhatsAppGraphError AppCallLimit() =>
        new(429, 4, "(#4) Application request limit reached", null);

    public static WhatsAppGraphError SomethingWentWrong() =>
        new(500, 131000, "(#131000) Something went wrong", "An unknown error occurred; try again later.");

    public static WhatsAppGraphError ServiceUnavailable() =>
        new(503, 131016, "(#131016) Service unavailable", "The service is temporarily unavailable; try again later.");

    public static WhatsAppGraphError InternalError() =>
        new(500, 2, "An unexpected error has occurred. Please retry your request later.", null, IsTransient: true);

    public string ToJson(string traceId)
    {
        var error = new JsonObject
        {
            ["message"] = Message,
            ["type"] = Type,
            ["code"] = Code,
        };

        if (Details is not null)
        {
            error["error_data"] = new JsonObject { ["messaging_product"] = "whatsapp", ["details"] = Details };
        }

        if (Subcode is { } subcode)
        {
            error["error_subcode"] = subcode;
        }

        if (IsTransient)
        {
            error["is_transient"] = true;
        }

        error["fbtrace_id"] = traceId;
        return MetaJson.Serialize(new JsonObject { ["error"] = error });
    }

    /// <summary>The title as status webhooks carry it in <c>errors[]</c>: the message without its <c>(#code)</c> prefix.</summary>
    public string Title => Message.StartsWith("(#", StringComparison.Ordinal) ? Message[(Message.IndexOf(')') + 2)..] : Message;
}

/// <summary>Raised while handling a send; the endpoint turns it into the error's JSON.</summary>
internal sealed class WhatsAppGraphException(WhatsAppGraphError error) : Exception(error.Message)
{
    public WhatsAppGraphError Error { get; } = error;
}
