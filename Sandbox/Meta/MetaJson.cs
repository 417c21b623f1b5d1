using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>
/// Serializes JSON the way Meta's servers emit it: compact, every character outside ASCII as a lower-case
/// <c>\uXXXX</c> escape (UTF-16 units, so emoji become surrogate pairs) and '/' as <c>\/</c>. Webhook
/// signatures are computed over exactly these bytes, which is why a receiver must verify the raw body.
/// </summary>
internal static class MetaJson
{
    public static string Serialize(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, JsonNode? node)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;

            case JsonObject jsonObject:
                builder.Append('{');
                var firstProperty = true;

                foreach (var (name, value) in jsonObject)
                {
                    if (!firstProperty)
                    {
                        builder.Append(',');
                    }

                    WriteString(builder, name);
                    builder.Append(':');
                    Write(builder, value);
                    firstProperty = false;
                }

                builder.Append('}');
                break;

            case JsonArray jsonArray:
                builder.Append('[');

                for (var index = 0; index < jsonArray.Count; index++)
                {
                    if (index > 0)
                    {
                        builder.Append(',');
                    }

                    Write(builder, jsonArray[index]);
                }

                builder.Append(']');
                break;

            case JsonValue jsonValue:
                WriteValue(builder, jsonValue);
                break;
        }
    }

    private static void WriteValue(StringBuilder builder, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(builder, value.GetValue<string>());
                break;
            case JsonValueKind.Number:
                builder.Append(value.ToJsonString());
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');

        foreach (var character in text)
        {
            switch (character)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '/':
                    builder.Append("\\/");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case < ' ' or > '\u007e':
                    builder.Append("\\u").Append(((int)character).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(character);
                    break;
            }
        }

        builder.Append('"');
    }
}
