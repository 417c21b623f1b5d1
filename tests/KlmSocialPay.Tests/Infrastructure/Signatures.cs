using System.Security.Cryptography;
using System.Text;

namespace KlmSocialPay.Tests.Infrastructure;

/// <summary>Signs test payloads exactly as the platforms do.</summary>
internal static class Signatures
{
    /// <summary>Stripe: <c>t={unix},v1={hex HMAC-SHA256(secret, "{t}.{body}")}</c>.</summary>
    public static string Stripe(string body, string secret, DateTimeOffset? at = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>Meta: <c>sha256={hex HMAC-SHA256(app secret, raw body)}</c>.</summary>
    public static string Meta(byte[] body, string appSecret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));
}
