using System.Security.Cryptography;
using System.Text;

namespace KlmSocialPay.Api.Channels;

/// <summary>
/// Meta's webhook subscription check, shared by Messenger and WhatsApp: Meta sends
/// <c>GET ?hub.mode=subscribe&amp;hub.verify_token=…&amp;hub.challenge=…</c> and expects the challenge back as
/// plain text when the token matches, 403 otherwise.
/// </summary>
public static class MetaSubscription
{
    public static Results<ContentHttpResult, ProblemHttpResult> Verify(HttpRequest request, string expectedToken, ILogger logger, string channel)
    {
        var mode = request.Query["hub.mode"].ToString();
        var token = request.Query["hub.verify_token"].ToString();
        var challenge = request.Query["hub.challenge"].ToString();

        var tokenMatches = !string.IsNullOrEmpty(expectedToken)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expectedToken));
        if (mode != "subscribe" || !tokenMatches || string.IsNullOrEmpty(challenge))
        {
            logger.LogWarning("{Channel} subscription check rejected (mode {Mode})", channel, mode);
            return TypedResults.Problem(
                title: "Forbidden",
                detail: $"hub.mode must be 'subscribe' and hub.verify_token must match the configured {channel} verify token.",
                statusCode: StatusCodes.Status403Forbidden);
        }

        return TypedResults.Text(challenge, "text/plain");
    }
}
