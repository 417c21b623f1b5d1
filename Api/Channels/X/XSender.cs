using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KlmSocialPay.Api.Channels.X;

/// <summary>
/// Sends direct messages through the X API v2 (<c>POST /2/dm_conversations/with/{participant_id}/messages</c>)
/// with the airline account's user access token. X DMs have no buttons, so a payment link goes out as the
/// text, a line break and the plain URL, which X shows as a link.
/// </summary>
public sealed class XSender(
    IHttpClientFactory httpClients,
    IOptions<XOptions> options,
    TimeProvider clock,
    ILogger<XSender> logger) : IChannelSender
{
    public const string HttpClientName = "x";

    /// <summary>
    /// X's limit for DM text. X documents 10,000 characters without naming the unit, so this counts
    /// Unicode code points.
    /// </summary>
    public const int MaxTextLength = 10_000;

    /// <summary>How long the channel pauses after a 429 response that carries neither <c>x-rate-limit-reset</c> nor <c>Retry-After</c>.</summary>
    public static readonly TimeSpan DefaultRateLimitPause = TimeSpan.FromSeconds(60);

    public Channel Channel => Channel.X;

    /// <summary>
    /// X lets an account send a DM to anyone who has written to it, with no time window. Whether a user
    /// accepts DMs at all is their own setting, which only the 403 of a send reveals.
    /// </summary>
    public ChannelPolicyDecision CheckPolicy(DateTimeOffset? customerLastWroteAt, DateTimeOffset now) =>
        customerLastWroteAt is null
            ? ChannelPolicyDecision.Refuse(
                "x-customer-first", "The product writes on X only to customers who sent the account a direct message first.")
            : ChannelPolicyDecision.Allow;

    public async Task<SentMessage> Send(OutboundMessage message, CancellationToken cancellationToken)
    {
        var decision = CheckPolicy(message.CustomerLastWroteAt, clock.GetUtcNow());
        if (!decision.Allowed)
        {
            throw new ChannelSendException("policy", decision.Detail!, SendFailureKind.Permanent, rule: decision.Rule);
        }

        var settings = options.Value;
        var participantId = Uri.EscapeDataString(message.Recipient.CustomerId);
        using var request = new HttpRequestMessage(
            HttpMethod.Post, $"{settings.ApiBase.TrimEnd('/')}/2/dm_conversations/with/{participantId}/messages")
        {
            Content = JsonContent.Create(new SendRequest(ComposeText(message.Text, message.LinkUrl))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.UserAccessToken);

        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            logger.LogWarning("X API refused the connection for message {MessageId}", message.MessageId);
            throw new ChannelSendException("unreachable", "The X API could not be reached.", SendFailureKind.Transient);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            logger.LogWarning("X API did not respond to message {MessageId}: {ErrorType}", message.MessageId, ex.GetType().Name);
            throw NoAnswer();
        }

        using (response)
        {
            string payload;
            try
            {
                payload = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                logger.LogWarning(
                    "X API response to message {MessageId} was cut off after HTTP {StatusCode}: {ErrorType}",
                    message.MessageId, (int)response.StatusCode, ex.GetType().Name);
                throw response.IsSuccessStatusCode
                    ? NoAnswer()
                    : ToSendException(response.StatusCode, RetryAfter(response.Headers, clock.GetUtcNow()), null);
            }

            if (response.IsSuccessStatusCode)
            {
                if (TryRead<SendResponse>(payload)?.Data?.DmEventId is not { Length: > 0 } eventId)
                {
                    logger.LogWarning(
                        "X API returned HTTP {StatusCode} without a dm_event_id for message {MessageId}",
                        (int)response.StatusCode, message.MessageId);
                    throw new ChannelSendException(
                        "no-event-id", "X returned no dm_event_id, so the message may have been sent.", SendFailureKind.Unknown);
                }

                logger.LogInformation(
                    "X accepted message {MessageId} as {PlatformMessageId} for {ConversationKey}",
                    message.MessageId, eventId, message.Recipient.ToString());
                return new SentMessage(eventId, clock.GetUtcNow());
            }

            var failure = ToSendException(response.StatusCode, RetryAfter(response.Headers, clock.GetUtcNow()), TryRead<XProblem>(payload));
            logger.LogWarning(
                "X API rejected message {MessageId} with HTTP {StatusCode} ({FailureKind})",
                message.MessageId, (int)response.StatusCode, failure.Kind);
            throw failure;
        }
    }

    /// <summary>
    /// Builds the DM text: the message, a line break and the link when there is one. Text over
    /// <see cref="MaxTextLength"/> is cut so that the link always stays whole.
    /// </summary>
    internal static string ComposeText(string text, string? linkUrl)
    {
        if (linkUrl is null)
        {
            return Truncate(text, MaxTextLength);
        }

        var room = MaxTextLength - linkUrl.EnumerateRunes().Count() - 1;
        if (room < 0)
        {
            throw new ChannelSendException(
                "link-too-long", $"The link is longer than X's {MaxTextLength}-character DM limit.", SendFailureKind.Permanent);
        }

        return string.IsNullOrWhiteSpace(text) ? linkUrl : $"{Truncate(text, room)}\n{linkUrl}";
    }

    /// <summary>
    /// Maps an X API v2 error response to a send failure. 403 means the recipient does not accept DMs from
    /// the account or blocked it, 401 an invalid or expired user token, 429 a rate limit
    /// (200 requests per 15 minutes per user, 1,000 per 24 hours per user and 15,000 per 24 hours per app).
    /// </summary>
    internal static ChannelSendException ToSendException(HttpStatusCode status, TimeSpan? retryAfter, XProblem? problem)
    {
        var code = $"http-{(int)status}";
        var returned = problem?.Describe() is { } description ? $" X returned: {description}" : "";
        return (int)status switch
        {
            403 => new ChannelSendException(code,
                "The customer does not accept direct messages from this account, or has blocked it." + returned,
                SendFailureKind.Permanent, rule: "x-dm-not-allowed"),
            401 => new ChannelSendException(code,
                "X rejected the user access token (X:UserAccessToken): it is invalid, expired or lacks the dm.write scope." + returned,
                SendFailureKind.Permanent),
            429 => new ChannelSendException(code, "X rate limit reached." + returned, SendFailureKind.RateLimited, retryAfter ?? DefaultRateLimitPause),
            >= 500 => new ChannelSendException(code, $"X failed with HTTP {(int)status}." + returned, SendFailureKind.Transient),
            _ => new ChannelSendException(code, $"X rejected the message with HTTP {(int)status}." + returned, SendFailureKind.Permanent),
        };
    }

    /// <summary>
    /// Reads how long to wait after a rate limit: until <c>x-rate-limit-reset</c> (Unix seconds), else the
    /// standard <c>Retry-After</c>. Returns at least one second, so a reset time already past on this
    /// clock does not cause an immediate retry.
    /// </summary>
    internal static TimeSpan? RetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        TimeSpan? wait = null;
        if (headers.TryGetValues("x-rate-limit-reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var resetSeconds)
            && resetSeconds <= MaxUnixSeconds)
        {
            wait = DateTimeOffset.FromUnixTimeSeconds(resetSeconds) - now;
        }
        else if (headers.RetryAfter?.Delta is { } delta)
        {
            wait = delta;
        }
        else if (headers.RetryAfter?.Date is { } date)
        {
            wait = date - now;
        }

        if (wait is null)
        {
            return null;
        }

        return wait < MinimumPause ? MinimumPause : wait;
    }

    private static readonly TimeSpan MinimumPause = TimeSpan.FromSeconds(1);

    /// <summary><see cref="DateTimeOffset.MaxValue"/> in seconds since the Unix epoch.</summary>
    private const long MaxUnixSeconds = 253_402_300_799;

    private static ChannelSendException NoAnswer() =>
        new("no-answer", "The X API did not respond, so the message may have been sent.", SendFailureKind.Unknown);

    private static string Truncate(string text, int maxCodePoints)
    {
        var codePoints = 0;
        var utf16Length = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (codePoints == maxCodePoints)
            {
                return text[..utf16Length];
            }

            codePoints++;
            utf16Length += rune.Utf16SequenceLength;
        }

        return text;
    }

    private static T? TryRead<T>(string json) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record SendRequest([property: JsonPropertyName("text")] string Text);

    private sealed record SendResponse([property: JsonPropertyName("data")] SendResponseData? Data);

    private sealed record SendResponseData(
        [property: JsonPropertyName("dm_conversation_id")] string? DmConversationId,
        [property: JsonPropertyName("dm_event_id")] string? DmEventId);

    /// <summary>
    /// X API v2's error body: a problem (<c>type</c>, <c>title</c>, <c>detail</c>, <c>status</c>), with
    /// <c>errors[].message</c> for invalid requests.
    /// </summary>
    internal sealed record XProblem(
        [property: JsonPropertyName("type")] string? Type,
        [property: JsonPropertyName("title")] string? Title,
        [property: JsonPropertyName("detail")] string? Detail,
        [property: JsonPropertyName("errors")] IReadOnlyList<XProblemError?>? Errors)
    {
        public string? Describe()
        {
            var messages = Errors?.Select(error => error?.Message).OfType<string>().ToList() ?? [];
            var parts = new[] { Title, Detail }.Concat(messages).Where(part => !string.IsNullOrWhiteSpace(part)).Distinct().ToList();
            return parts.Count == 0 ? null : string.Join(" ", parts.Select(part => part!.TrimEnd('.') + "."));
        }
    }

    internal sealed record XProblemError([property: JsonPropertyName("message")] string? Message);
}
