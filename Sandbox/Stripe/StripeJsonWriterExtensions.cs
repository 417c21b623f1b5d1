using System.Text.Json;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>Shorthands for the nested shapes that Stripe objects repeat: sub-objects, string lists and metadata.</summary>
internal static class StripeJsonWriterExtensions
{
    public static void WriteObject(this Utf8JsonWriter writer, string name, Action writeProperties)
    {
        writer.WriteStartObject(name);
        writeProperties();
        writer.WriteEndObject();
    }

    public static void WriteStrings(this Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);

        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    public static void WriteHash(this Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> values)
    {
        writer.WriteStartObject(name);

        foreach (var (key, value) in values)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    public static void WriteEmptyObject(this Utf8JsonWriter writer, string name)
    {
        writer.WriteStartObject(name);
        writer.WriteEndObject();
    }
}
