using System.Text.Json.Nodes;

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>
/// A Graph API error: <c>{"error":{"message","type","code","error_subcode","fbtrace_id"}}</c>. Meta returns
/// HTTP 400 for request and token errors ("Access Tokens: Debugging and Error Handling") and 500 for its own
/// transient failures.
/// </summary>
internal sealed record MetaGraphError(int HttpStatus, string Message, string Type, int Code, int? Subcode = null, bool IsTransient = false)
{
    private const string OAuthException = "OAuthException";

    public static MetaGraphError InvalidToken() =>
        new(400, "Invalid OAuth access token - Cannot parse access token", OAuthException, 190);

    public static MetaGraphError MissingTokenForMe() =>
        new(400, "An active access token must be used to query information about the current user.", OAuthException, 2500);

    public static MetaGraphError MissingToken() =>
        new(400, "An access token is required to request this resource.", OAuthException, 104);

    public static MetaGraphError UnknownVersion(string version) =>
        new(400, $"Unknown path components: /{version} is not a Graph API version such as v25.0.", OAuthException, 2500);

    public static MetaGraphError UnknownPage(string pageId) =>
        new(400, $"Unsupported post request. Object with ID '{pageId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", "GraphMethodException", 100, 33);

    public static MetaGraphError InvalidParameter(string message) =>
        new(400, $"(#100) {message}", OAuthException, 100);

    public static MetaGraphError NoMatchingUser() =>
        new(400, "(#100) No matching user found", OAuthException, 100, 2018001);

    public static MetaGraphError OutsideWindow() =>
        new(400, "(#10) This message is sent outside of allowed window.", OAuthException, 10, 2018278);

    public static MetaGraphError RateLimited() =>
        new(400, "(#613) Calls to this api have exceeded the rate limit.", OAuthException, 613);

    /// <summary>Subcode 1545041 comes from third-party integrations and was not checked against Meta's documentation.</summary>
    public static MetaGraphError UserUnavailable() =>
        new(400, "(#551) This person isn't available right now.", OAuthException, 551, 1545041);

    public static MetaGraphError Transient() =>
        new(500, "An unexpected error has occurred. Please retry your request later.", OAuthException, 2, IsTransient: true);

    public string ToJson(string traceId)
    {
        var error = new JsonObject
        {
            ["message"] = Message,
            ["type"] = Type,
            ["code"] = Code,
        };

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
}
