using System.Text.Json.Nodes;

namespace KlmSocialPay.Sandbox.X;

/// <summary>
/// An error response of the X API v2 in its problem format: <c>type</c>, <c>title</c>, <c>detail</c> and
/// <c>status</c>, plus <c>errors[]</c> with the offending parameters for an invalid request. The detail
/// texts are representative, because X words them differently from case to case.
/// </summary>
internal sealed record XApiError(int Status, JsonObject Body)
{
    private const string AboutBlank = "about:blank";

    public static XApiError Unauthorized() =>
        new(401, Problem("Unauthorized", "Unauthorized", 401));

    public static XApiError Forbidden() =>
        new(403, Problem("Forbidden", "You are not permitted to create a one-to-one conversation with the participant.", 403));

    public static XApiError TooManyRequests() =>
        new(429, Problem("Too Many Requests", "Too Many Requests", 429));

    public static XApiError ServerError() =>
        new(500, Problem("Internal Server Error", "Internal Server Error", 500));

    /// <summary>A 400 naming the parameter and the value that were rejected, or only the message when no parameter applies.</summary>
    public static XApiError InvalidRequest(string? parameter, string? value, string message)
    {
        var error = new JsonObject();
        if (parameter is not null)
        {
            error["parameters"] = new JsonObject { [parameter] = new JsonArray(value ?? "") };
        }

        error["message"] = message;

        return new(400, new JsonObject
        {
            ["errors"] = new JsonArray(error),
            ["title"] = "Invalid Request",
            ["detail"] = "One or more parameters to your request was invalid.",
            ["type"] = "https://api.twitter.com/2/problems/invalid-request",
        });
    }

    /// <summary>Returns the error for an injected failure status, or null for a status the sandbox does not inject.</summary>
    public static XApiError? ForInjectedStatus(int status) => status switch
    {
        403 => Forbidden(),
        429 => TooManyRequests(),
        500 => ServerError(),
        _ => null,
    };

    private static JsonObject Problem(string title, string detail, int status) => new()
    {
        ["title"] = title,
        ["detail"] = detail,
        ["type"] = AboutBlank,
        ["status"] = status,
    };
}

/// <summary>Raised inside the DM stand-in to respond with <see cref="Error"/>.</summary>
internal sealed class XApiException(XApiError error) : Exception(error.Body["detail"]?.GetValue<string>())
{
    public XApiError Error { get; } = error;
}
