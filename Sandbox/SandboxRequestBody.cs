using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace KlmSocialPay.Sandbox;

/// <summary>Reads the JSON body of a sandbox endpoint, answering problem+json instead of an empty 400 when it is malformed.</summary>
internal static class SandboxRequestBody
{
    public static async Task<(T? Body, IResult? Problem)> ReadJsonAsync<T>(HttpRequest request)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, SandboxProblems.Invalid("body", "Send a JSON body with Content-Type: application/json."));
        }

        try
        {
            var body = await request.ReadFromJsonAsync<T>(SandboxJson.Options, request.HttpContext.RequestAborted);
            return body is null
                ? (null, SandboxProblems.Invalid("body", "The body must be a JSON object, not null."))
                : (body, null);
        }
        catch (JsonException exception)
        {
            var field = string.IsNullOrEmpty(exception.Path) || exception.Path == "$" ? "body" : exception.Path.TrimStart('$', '.');
            return (null, SandboxProblems.Invalid(field, $"The body is not valid JSON for this endpoint: {exception.Message}"));
        }
    }
}
