using System.Text;

namespace KlmSocialPay.Api.Webhooks;

/// <summary>
/// Reads a webhook's body as the exact bytes the sender signed. Signatures are checked over these bytes,
/// never over re-serialized JSON, since Meta signs its escaped-unicode form.
/// </summary>
internal static class RawBody
{
    /// <summary>Returns the body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public static ProblemHttpResult TooLarge(int maxBytes) => TypedResults.Problem(
        title: "Payload too large",
        detail: $"The body is larger than {maxBytes} bytes.",
        statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>Decodes strict UTF-8; returns null for invalid bytes.</summary>
    public static string? DecodeUtf8(byte[] body)
    {
        try
        {
            return StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
