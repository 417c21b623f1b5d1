using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using KlmSocialPay.Sandbox.Messaging;

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>
/// Delivers one webhook body to the product as Meta does for Messenger and WhatsApp: <c>application/json</c>,
/// signed with <c>X-Hub-Signature-256</c> (HMAC-SHA256) and the legacy <c>X-Hub-Signature</c> (HMAC-SHA1),
/// both lower-case hex over the raw body with the app secret as key. One attempt, no retries.
/// </summary>
internal static class MetaSignedWebhook
{
    /// <summary>
    /// Posts <paramref name="body"/> to <paramref name="webhookUrl"/> and returns the product's status code, or
    /// the reason there is none when no response came within <paramref name="timeout"/> or the URL was unreachable.
    /// </summary>
    public static async Task<WebhookPostResult> PostAsync(
        HttpClient client, string webhookUrl, string appSecret, TimeSpan timeout, byte[] body, CancellationToken cancellationToken)
    {
        var secret = Encoding.UTF8.GetBytes(appSecret);

        using var request = new HttpRequestMessage(HttpMethod.Post, webhookUrl);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body)));
        request.Headers.TryAddWithoutValidation("X-Hub-Signature", "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(secret, body)));

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);

        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token);
            return new WebhookPostResult((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookPostResult(null, $"The webhook at {webhookUrl} did not answer within {timeout}.");
        }
        catch (HttpRequestException exception)
        {
            return new WebhookPostResult(null, $"The webhook at {webhookUrl} could not be reached: {exception.Message}");
        }
    }
}
