using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// Builds the <c>Stripe-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</c> over
/// <c>"{t}.{body}"</c>, keyed with the UTF-8 bytes of the whole endpoint secret including <c>whsec_</c>.
/// This is the scheme Stripe.net's <c>EventUtility.ConstructEvent</c> verifies.
/// </summary>
internal static class StripeWebhookSignature
{
    public static string CreateHeader(string secret, long timestamp, byte[] body)
    {
        var timestampText = timestamp.ToString(CultureInfo.InvariantCulture);
        var prefix = Encoding.UTF8.GetBytes(timestampText + ".");
        var payload = new byte[prefix.Length + body.Length];
        prefix.CopyTo(payload, 0);
        body.CopyTo(payload, prefix.Length);

        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);

        return $"t={timestampText},v1={Convert.ToHexStringLower(hash)}";
    }
}
