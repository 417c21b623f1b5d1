using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KlmSocialPay.Sandbox;

/// <summary>Reads the JSON body of a sandbox endpoint, returning problem+json instead of an empty 400 when it is malformed.</summary>
internal static class SandboxRequestBody
{
    public static async Task<(T? Body, IResult? Problem)> ReadJsonAsync<T>(HttpRequest request)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, SandboxProblems.Invalid("body", "Send a JSON body with Content-Type: application/json."));
        }

        // Parsed in two steps, so a syntax error names the body and a wrong value type names its field.
        JsonNode? node;

        try
        {
            node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException exception)
        {
            return (null, SandboxProblems.Invalid("body", $"The body is not valid JSON: {exception.Message}"));
        }

        if (node is not JsonObject)
        {
            return (null, SandboxProblems.Invalid("body", "The body must be a JSON object."));
        }

        try
        {
            return (node.Deserialize<T>(SandboxJson.Options), null);
        }
        catch (JsonException exception)
        {
            var field = string.IsNullOrEmpty(exception.Path) || exception.Path == "$" ? "body" : exception.Path.TrimStart('$', '.');
            return (null, SandboxProblems.Invalid(field, $"Invalid value for {field}: {exception.Message}"));
        }
    }
}
