using System.Text.Json;

namespace KlmSocialPay.Api.Agents;

internal static class JsonErrors
{
    /// <summary>Turns a JSON binding error into a validation error keyed by the field's path (<c>items[0].amount</c>).</summary>
    public static Dictionary<string, string[]> FromException(JsonException exception)
    {
        var path = exception.Path is { Length: > 1 } jsonPath && jsonPath.StartsWith("$.", StringComparison.Ordinal)
            ? jsonPath[2..]
            : "body";
        return new Dictionary<string, string[]>
        {
            [path] = [path == "body" ? "The body is not valid JSON." : "The value has the wrong type or is not valid JSON."],
        };
    }
}
