using System.Text.Json;
using System.Text.Json.Serialization;
using KlmSocialPay.Api.Webhooks;
using KlmSocialPay.Grains.Telemetry;

namespace KlmSocialPay.Api.Channels.Messenger;

/// <summary>
/// <c>GET /webhooks/messenger</c> responds to Meta's subscription check; <c>POST /webhooks/messenger</c> verifies
/// the signature and appends each customer message of the batch to its conversation. Echoes of the Page's
/// own messages, deliveries, reads and other event kinds are acknowledged and skipped.
/// </summary>
public static class MessengerWebhook
{
    /// <summary>The last millisecond that <see cref="DateTimeOffset"/> can represent (9999-12-31T23:59:59.999Z).</summary>
    private const long MaxUnixMilliseconds = 253_402_300_799_999;

    /// <summary>Meta batches up to 1,000 updates in one POST; 8 MiB leaves room for that.</summary>
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    public static IEndpointRouteBuilder MapMessengerWebhook(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/webhooks/messenger", Verify).WithTags("Webhooks").WithName("MessengerVerification").AllowAnonymous();
        endpoints.MapPost("/webhooks/messenger", Receive)
            .AddEndpointFilter(new WebhookMetricsFilter(WebhookSource.Messenger))
            .WithTags("Webhooks")
            .WithName("MessengerWebhook")
            .Accepts<object>("application/json")
            .AllowAnonymous();
        return endpoints;
    }

    internal static Results<ContentHttpResult, ProblemHttpResult> Verify(HttpRequest request, IOptions<MessengerOptions> options, ILoggerFactory loggers) =>
        MetaSubscription.Verify(request, options.Value.VerifyToken, loggers.CreateLogger(typeof(MessengerWebhook)), "Messenger");

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> Receive(
        HttpRequest request, IGrainFactory grains, IOptions<MessengerOptions> options, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(MessengerWebhook));

        var body = await RawBody.ReadAsync(request, MaxBodyBytes);
        if (body is null)
        {
            return RawBody.TooLarge(MaxBodyBytes);
        }

        if (!MetaSignature.IsValid(body, request.Headers[MetaSignature.HeaderName], options.Value.AppSecret))
        {
            logger.LogWarning("Messenger webhook with a missing or invalid {Header} rejected", MetaSignature.HeaderName);
            return TypedResults.Problem(
                title: "Invalid signature",
                detail: $"The {MetaSignature.HeaderName} header is missing or does not match the body.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        PageEvent? update;
        try
        {
            update = JsonSerializer.Deserialize<PageEvent>(body);
        }
        catch (JsonException)
        {
            return Problems.BadRequest("Malformed body", "The body is not a Messenger webhook event.");
        }

        if (update is not { Object: "page", Entry: { } entries })
        {
            return Problems.BadRequest("Malformed body", "The body's 'object' must be 'page' with an 'entry' array.");
        }

        var echoes = new List<(string MessageId, string Mid)>();
        List<(ConversationKey Key, InboundMessage Message)> messages;
        try
        {
            messages = ExtractCustomerMessages(entries, echoes, logger);
        }
        catch (FormatException ex)
        {
            return Problems.BadRequest("Malformed body", ex.Message);
        }

        // Messages of one customer are applied in order; different customers in parallel.
        await Task.WhenAll(messages
            .GroupBy(m => m.Key)
            .Select(async conversation =>
            {
                var grain = grains.GetGrain<IConversationGrain>(conversation.Key.ToString());
                foreach (var (_, message) in conversation)
                {
                    await grain.RecordInboundMessage(message);
                }
            }));

        foreach (var (messageId, mid) in echoes)
        {
            await grains.GetGrain<IOutboundMessageGrain>(messageId).ConfirmByEcho(mid);
        }

        return TypedResults.Text("EVENT_RECEIVED", "text/plain");
    }

    /// <summary>
    /// Picks the customers' messages out of a batch, and the echoes of the Page's own messages that carry
    /// the product's message id in their metadata (they confirm a send whose response was lost).
    /// </summary>
    private static List<(ConversationKey Key, InboundMessage Message)> ExtractCustomerMessages(
        IReadOnlyList<PageEntry?> entries, List<(string MessageId, string Mid)> echoes, ILogger logger)
    {
        var messages = new List<(ConversationKey, InboundMessage)>();
        foreach (var item in entries.SelectMany(entry => entry?.Messaging ?? []))
        {
            if (item?.Message is not { } message)
            {
                // Deliveries, reads, postbacks, reactions and referrals carry no customer text.
                continue;
            }

            if (message.IsEcho == true)
            {
                if (message.Metadata?.StartsWith("msg_", StringComparison.Ordinal) == true && !string.IsNullOrEmpty(message.Mid))
                {
                    echoes.Add((message.Metadata, message.Mid));
                }

                continue;
            }

            var psid = item.Sender?.Id;
            if (!ConversationKey.IsValidCustomerId(psid) || string.IsNullOrEmpty(message.Mid))
            {
                logger.LogWarning("Messenger message without a usable sender id or mid skipped");
                continue;
            }

            var sentAt = item.Timestamp switch
            {
                null => DateTimeOffset.UtcNow,
                { } ms when ms > 0 && ms <= MaxUnixMilliseconds => DateTimeOffset.FromUnixTimeMilliseconds(ms),
                _ => throw new FormatException($"The timestamp of message {message.Mid} is out of range."),
            };
            var attachments = message.Attachments?.Select(a => a?.Type ?? "unknown").ToList() ?? [];
            messages.Add((new ConversationKey(Channel.Messenger, psid), new InboundMessage(message.Mid, message.Text, attachments, sentAt)));
        }

        return messages;
    }

    private sealed record PageEvent(
        [property: JsonPropertyName("object")] string? Object,
        [property: JsonPropertyName("entry")] IReadOnlyList<PageEntry?>? Entry);

    private sealed record PageEntry(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("messaging")] IReadOnlyList<MessagingItem?>? Messaging);

    private sealed record MessagingItem(
        [property: JsonPropertyName("sender")] Participant? Sender,
        [property: JsonPropertyName("recipient")] Participant? Recipient,
        [property: JsonPropertyName("timestamp")] long? Timestamp,
        [property: JsonPropertyName("message")] IncomingMessage? Message);

    private sealed record Participant([property: JsonPropertyName("id")] string? Id);

    private sealed record IncomingMessage(
        [property: JsonPropertyName("mid")] string? Mid,
        [property: JsonPropertyName("text")] string? Text,
        [property: JsonPropertyName("is_echo")] bool? IsEcho,
        [property: JsonPropertyName("metadata")] string? Metadata,
        [property: JsonPropertyName("attachments")] IReadOnlyList<IncomingAttachment?>? Attachments);

    private sealed record IncomingAttachment([property: JsonPropertyName("type")] string? Type);
}
