using System.Globalization;
using System.Net;
using System.Text.Json.Serialization;

namespace KlmSocialPay.Api.Channels.WhatsApp;

/// <summary>
/// A Cloud API error body: <c>{"error":{"message","type","code","error_data":{"messaging_product","details"},"fbtrace_id"}}</c>.
/// Meta recommends handling errors by <c>code</c> and <c>details</c>; <c>error_subcode</c> is gone since Graph v16.0.
/// </summary>
internal sealed record WhatsAppGraphError(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("error_data")] WhatsAppErrorData? ErrorData,
    [property: JsonPropertyName("fbtrace_id")] string? TraceId);

internal sealed record WhatsAppErrorData(
    [property: JsonPropertyName("messaging_product")] string? MessagingProduct,
    [property: JsonPropertyName("details")] string? Details);

/// <summary>
/// Maps a Cloud API error to a send failure, by the codes of Meta's Cloud API error reference.
/// Permanent: 131047 (the 24-hour customer service window has closed), 131026 (undeliverable),
/// 131051 (unsupported message type), 190 (invalid or expired access token).
/// Rate limits: 130429 (throughput), 131056 (business and customer pair), 80007 (WhatsApp Business Account),
/// 4 (the app's calls). Temporary: 131000, 131016 and Graph codes 1 and 2.
/// </summary>
internal static class WhatsAppSendErrors
{
    /// <summary>How long the channel pauses after a rate-limit response that names no time (Meta sends no Retry-After).</summary>
    public static readonly TimeSpan DefaultRateLimitPause = TimeSpan.FromSeconds(60);

    public static ChannelSendException ToSendException(HttpStatusCode status, TimeSpan? retryAfter, WhatsAppGraphError? error)
    {
        var httpStatus = (int)status;
        if (error is null)
        {
            return status == HttpStatusCode.TooManyRequests
                ? new ChannelSendException("http-429", "WhatsApp rate limit reached.", SendFailureKind.RateLimited, retryAfter ?? DefaultRateLimitPause)
                : new ChannelSendException(
                    $"http-{httpStatus}", $"WhatsApp answered HTTP {httpStatus} without an error body.",
                    httpStatus >= 500 ? SendFailureKind.Transient : SendFailureKind.Permanent);
        }

        var code = error.Code.ToString(CultureInfo.InvariantCulture);
        var details = error.ErrorData?.Details ?? error.Message ?? $"WhatsApp error {code}.";
        return error.Code switch
        {
            131047 => new ChannelSendException(code,
                "WhatsApp refused the message because the customer last wrote more than 24 hours ago. Only an approved template message can be sent now, and the product does not send templates; the link can be sent once the customer writes again.",
                SendFailureKind.Permanent, rule: WhatsAppSender.WindowRule),
            131026 => new ChannelSendException(code,
                "WhatsApp cannot deliver to this customer (not a WhatsApp user, an outdated app, or the business is blocked).", SendFailureKind.Permanent),
            131051 => new ChannelSendException(code, "WhatsApp does not support this message type.", SendFailureKind.Permanent),
            190 => new ChannelSendException(code, "The WhatsApp access token is invalid or expired.", SendFailureKind.Permanent),
            130429 or 131056 or 80007 or 4 => new ChannelSendException(code, $"WhatsApp rate limit reached: {details}", SendFailureKind.RateLimited, retryAfter ?? DefaultRateLimitPause),
            _ when status == HttpStatusCode.TooManyRequests =>
                new ChannelSendException(code, $"WhatsApp rate limit reached: {details}", SendFailureKind.RateLimited, retryAfter ?? DefaultRateLimitPause),
            131000 or 131016 or 1 or 2 => new ChannelSendException(code, $"Temporary WhatsApp error: {details}", SendFailureKind.Transient),
            _ when httpStatus >= 500 => new ChannelSendException(code, $"WhatsApp error {code}: {details}", SendFailureKind.Transient),
            _ => new ChannelSendException(code, $"WhatsApp error {code}: {details}", SendFailureKind.Permanent),
        };
    }
}
