using System.Text.Json;
using System.Text.Json.Serialization;

namespace KlmSocialPay.Sandbox;

/// <summary>JSON settings of the sandbox's own endpoints (not the simulated wire formats): camelCase, enums as text.</summary>
internal static class SandboxJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
