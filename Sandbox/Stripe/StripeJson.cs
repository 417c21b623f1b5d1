using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>How the stand-in writes JSON: indented by two spaces with '\n' line ends, as api.stripe.com does.</summary>
internal static class StripeJson
{
    public static readonly Encoding Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Encoding.GetString(buffer.ToArray());
    }
}
