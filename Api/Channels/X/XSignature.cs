using System.Security.Cryptography;
using System.Text;

namespace KlmSocialPay.Api.Channels.X;

/// <summary>
/// X's webhook security. Both the CRC response token and the <c>x-twitter-webhooks-signature</c> header are
/// <c>sha256=&lt;base64 HMAC-SHA256&gt;</c> keyed by the consumer secret: over the <c>crc_token</c> for the
/// CRC, over the raw body bytes for a POST. Unlike Meta's header, the digest is base64, not hex.
/// </summary>
public static class XSignature
{
    public const string HeaderName = "x-twitter-webhooks-signature";

    private const string Prefix = "sha256=";

    /// <summary>Base64 length of a 32-byte digest, padding included.</summary>
    private const int DigestBase64Length = 44;

    /// <summary>Computes the <c>response_token</c> the CRC GET must return for <paramref name="crcToken"/>.</summary>
    public static string CrcResponseToken(string crcToken, string consumerSecret) =>
        Compute(Encoding.UTF8.GetBytes(crcToken), consumerSecret);

    /// <summary>Computes the signature header value for a body.</summary>
    public static string Compute(ReadOnlySpan<byte> body, string consumerSecret) =>
        Prefix + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(consumerSecret), body));

    /// <summary>
    /// Checks a signature header against the body in constant time. False when the secret is not configured,
    /// the header is missing, lacks the <c>sha256=</c> prefix, or is not base64 of a 32-byte digest.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> body, string? header, string consumerSecret)
    {
        if (string.IsNullOrEmpty(consumerSecret)
            || header is null
            || !header.StartsWith(Prefix, StringComparison.Ordinal)
            || header.Length != Prefix.Length + DigestBase64Length)
        {
            return false;
        }

        // One spare byte, so a header that decodes to more than a digest is detected rather than cut.
        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes + 1];
        if (!Convert.TryFromBase64Chars(header.AsSpan(Prefix.Length), presented, out var written)
            || written != HMACSHA256.HashSizeInBytes)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(consumerSecret), body);
        return CryptographicOperations.FixedTimeEquals(presented[..written], expected);
    }
}
