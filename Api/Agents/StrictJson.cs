using System.Text.Json;
using System.Text.Json.Serialization;

namespace KlmSocialPay.Api.Agents;

internal static class StrictJson
{
    /// <summary>Web defaults, except that a number sent as a string ("4500") is an error: amounts are integers.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
    };
}
