using System.Text.Json;

namespace KlmSocialPay.Sandbox;

internal static class JsonWriterExtensions
{
    public static void WriteStringOrNull(this Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
