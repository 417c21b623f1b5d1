using KlmSocialPay.Grains.Telemetry;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KlmSocialPay.Api.Webhooks;

namespace KlmSocialPay.Api.Channels.X;

/// <summary>
/// The Account Activity webhook. <c>GET /webhooks/x?crc_token=…</c> responds to X's challenge-response check (CRC);
/// <c>POST /webhooks/x</c> verifies the signature and appends each customer direct message to its
/// conversation. The account's own messages, typing and read indicators, tweets, follows and any other
/// activity the subscription delivers are acknowledged with 200 and skipped.
/// </summary>
public static class XWebhook
{
    /// <summary>
    /// X documents no size limit for an activity POST. 8 MiB leaves room for a batch of events with their
    /// <c>users</c> and <c>apps</c> objects.
    /// </summary>
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    /// <summary>Longest <c>crc_token</c> accepted. X sends a short random token.</summary>
    public const int MaxCrcTokenLength = 1024;

    public static IEndpointRouteBuilder MapXWebhook(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/webhooks/x", RespondToCrc).WithTags("Webhooks").WithName("XCrcCheck").AllowAnonymous();
        endpoints.MapPost("/webhooks/x", Receive)
            .AddEndpointFilter(new WebhookMetricsFilter(WebhookSource.X))
            .WithTags("Webhooks")
            .WithName("XWebhook")
            .Accepts<object>("application/json")
            .AllowAnonymous();
        return endpoints;
    }

    /// <summary>
    /// Returns <c>{"response_token":"sha256=…"}</c> for the query's <c>crc_token</c>. X expects it within
    /// 3 seconds and stops delivering to a webhook that fails the check, so this touches neither Orleans
    /// nor storage.
    /// </summary>
    internal static Results<ContentHttpResult, ProblemHttpResult> RespondToCrc(HttpRequest request, IOptions<XOptions> options, ILoggerFactory loggers)
    {
        var crcToken = request.Query["crc_token"].ToString();
        if (string.IsNullOrEmpty(crcToken))
        {
            return Problems.BadRequest("Missing crc_token", "The query parameter crc_token is required.");
        }

        if (crcToken.Length > MaxCrcTokenLength)
        {
            return Problems.BadRequest("Invalid crc_token", $"The query parameter crc_token is longer than {MaxCrcTokenLength} characters.");
        }

        var secret = options.Value.ConsumerSecret;
        if (string.IsNullOrEmpty(secret))
        {
            loggers.CreateLogger(typeof(XWebhook)).LogError("X CRC check failed: X:ConsumerSecret is not configured");
            return TypedResults.Problem(
                title: "X webhook not configured",
                detail: "X:ConsumerSecret is not set, so the CRC response token cannot be computed.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        // Written by hand: base64 contains '+' and '=', which the default JSON encoder would escape.
        var responseToken = XSignature.CrcResponseToken(crcToken, secret);
        return TypedResults.Text($$"""{"response_token":"{{responseToken}}"}""", "application/json", Encoding.UTF8);
    }

    internal static async Task<Results<Ok, ProblemHttpResult>> Receive(
        HttpRequest request, IGrainFactory grains, IOptions<XOptions> options, TimeProvider clock, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(XWebhook));
        var settings = options.Value;

        var body = await RawBody.ReadAsync(request, MaxBodyBytes);
        if (body is null)
        {
            return RawBody.TooLarge(MaxBodyBytes);
        }

        if (!XSignature.IsValid(body, request.Headers[XSignature.HeaderName], settings.ConsumerSecret))
        {
            logger.LogWarning("X webhook with a missing or invalid {Header} rejected", XSignature.HeaderName);
            return TypedResults.Problem(
                title: "Invalid signature",
                detail: $"The {XSignature.HeaderName} header is missing or is not sha256=<base64 HMAC-SHA256 of the body>.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        if (RawBody.DecodeUtf8(body) is null)
        {
            return Problems.BadRequest("Malformed body", "The body is not valid UTF-8.");
        }

        ActivityBody? activity;
        try
        {
            activity = JsonSerializer.Deserialize<ActivityBody>(body);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return Problems.BadRequest("Malformed body", $"The body is not an X Account Activity event: invalid value at '{field}'.");
        }

        if (activity is not { ForUserId: { Length: > 0 } forUserId })
        {
            return Problems.BadRequest("Malformed body", "The body must be a JSON object with the string 'for_user_id'.");
        }

        if (settings.AccountId.Length > 0 && forUserId != settings.AccountId)
        {
            logger.LogWarning("X webhook for account {ForUserId} skipped: the configured account is {AccountId}", forUserId, settings.AccountId);
            return TypedResults.Ok();
        }

        var (messages, problem) = ExtractCustomerMessages(forUserId, activity.DirectMessageEvents ?? [], clock, logger);
        if (problem is not null)
        {
            return problem;
        }

        // X does not guarantee order, so each customer's messages are applied by created_timestamp, in body
        // order for equal times. Different customers are applied in parallel.
        await Task.WhenAll(messages
            .GroupBy(m => m.Key)
            .Select(async conversation =>
            {
                var grain = grains.GetGrain<IConversationGrain>(conversation.Key.ToString());
                foreach (var (_, message) in conversation.OrderBy(m => m.Message.SentAt))
                {
                    await grain.RecordInboundMessage(message);
                }
            }));

        return TypedResults.Ok();
    }

    private static (List<(ConversationKey Key, InboundMessage Message)> Messages, ProblemHttpResult? Problem) ExtractCustomerMessages(
        string forUserId, IReadOnlyList<DirectMessageEvent?> events, TimeProvider clock, ILogger logger)
    {
        var messages = new List<(ConversationKey, InboundMessage)>();
        for (var index = 0; index < events.Count; index++)
        {
            if (events[index] is not { Type: "message_create", MessageCreate: { } create } item)
            {
                continue;
            }

            if (create.SenderId == forUserId)
            {
                // The account's own DM, sent by this product or by hand, echoed back by the subscription.
                continue;
            }

            if (!ConversationKey.IsValidCustomerId(create.SenderId) || string.IsNullOrEmpty(item.Id))
            {
                logger.LogWarning("X direct message event without a usable sender_id or id skipped");
                continue;
            }

            DateTimeOffset sentAt;
            if (item.CreatedTimestamp is not { } milliseconds)
            {
                sentAt = clock.GetUtcNow();
            }
            else if (milliseconds is >= 0 and <= MaxUnixMilliseconds)
            {
                sentAt = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
            }
            else
            {
                return (messages, Problems.BadRequest(
                    "Malformed body",
                    $"direct_message_events[{index}].created_timestamp must be milliseconds since 1970, got {milliseconds.ToString(CultureInfo.InvariantCulture)}."));
            }

            var data = create.MessageData;
            List<string> attachments = data?.Attachment is { } attachment ? [attachment.Type ?? "unknown"] : [];
            messages.Add((new ConversationKey(Channel.X, create.SenderId), new InboundMessage(item.Id, CustomerText(data), attachments, sentAt)));
        }

        return (messages, null);
    }

    /// <summary>
    /// Returns the customer's text without the t.co link X appends for an attached photo, video or GIF, or
    /// null when nothing else is left (a media-only DM).
    /// </summary>
    internal static string? CustomerText(MessageData? data)
    {
        var text = data?.Text;
        if (text is not null && data!.Attachment?.Media is { } media)
        {
            text = RemoveMediaLink(text, media);
        }

        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    private static string RemoveMediaLink(string text, AttachedMedia media)
    {
        if (!string.IsNullOrEmpty(media.Url))
        {
            var at = text.LastIndexOf(media.Url, StringComparison.Ordinal);
            if (at >= 0)
            {
                return text.Remove(at, media.Url.Length).Trim();
            }
        }

        // Without the link text, fall back to the indices, which count Unicode code points, not UTF-16 units.
        if (media.Indices is [var start, var end] && start >= 0 && end > start)
        {
            var runes = text.EnumerateRunes().ToList();
            if (end <= runes.Count)
            {
                var remainingRunes = runes.Take(start).Concat(runes.Skip(end));
                return string.Concat(remainingRunes.Select(rune => rune.ToString())).Trim();
            }
        }

        return text;
    }

    /// <summary><see cref="DateTimeOffset.MaxValue"/> in milliseconds since the Unix epoch.</summary>
    private const long MaxUnixMilliseconds = 253_402_300_799_999;

    private sealed record ActivityBody(
        [property: JsonPropertyName("for_user_id")] string? ForUserId,
        [property: JsonPropertyName("direct_message_events")] IReadOnlyList<DirectMessageEvent?>? DirectMessageEvents);

    private sealed record DirectMessageEvent(
        [property: JsonPropertyName("type")] string? Type,
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("created_timestamp"), JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] long? CreatedTimestamp,
        [property: JsonPropertyName("message_create")] MessageCreate? MessageCreate);

    private sealed record MessageCreate(
        [property: JsonPropertyName("sender_id")] string? SenderId,
        [property: JsonPropertyName("message_data")] MessageData? MessageData);

    internal sealed record MessageData(
        [property: JsonPropertyName("text")] string? Text,
        [property: JsonPropertyName("attachment")] MessageAttachment? Attachment);

    internal sealed record MessageAttachment(
        [property: JsonPropertyName("type")] string? Type,
        [property: JsonPropertyName("media")] AttachedMedia? Media);

    internal sealed record AttachedMedia(
        [property: JsonPropertyName("url")] string? Url,
        [property: JsonPropertyName("indices")] IReadOnlyList<int>? Indices);
}
