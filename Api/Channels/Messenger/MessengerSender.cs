using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KlmSocialPay.Api.Channels.Messenger;

/// <summary>
/// Sends messages through the Messenger Send API (<c>POST /{version}/me/messages</c>): a payment link as a
/// button template with one <c>web_url</c> button, other messages as text. The product's message id goes in
/// <c>message.metadata</c>, so the echo Meta sends back confirms which message it accepted.
/// </summary>
public sealed class MessengerSender(
    IHttpClientFactory httpClients,
    IOptions<MessengerOptions> options,
    TimeProvider clock,
    ILogger<MessengerSender> logger) : IChannelSender
{
    public const string HttpClientName = "messenger";

    /// <summary>Send API limit for the text of a button template, in characters.</summary>
    public const int MaxTemplateTextLength = 640;

    /// <summary>Send API limit for a text message, in characters.</summary>
    public const int MaxTextLength = 2000;

    /// <summary>Messenger's standard messaging window after the customer's last message.</summary>
    public static readonly TimeSpan StandardWindow = TimeSpan.FromHours(24);

    /// <summary>How long after the customer's last message a human agent may still reply with the HUMAN_AGENT tag.</summary>
    public static readonly TimeSpan HumanAgentWindow = TimeSpan.FromDays(7);

    public Channel Channel => Channel.Messenger;

    public ChannelPolicyDecision CheckPolicy(DateTimeOffset? customerLastWroteAt, DateTimeOffset now)
    {
        if (customerLastWroteAt is null)
        {
            return ChannelPolicyDecision.Refuse(
                "messenger-customer-first", "Messenger lets a Page write only to customers who wrote to it first.");
        }

        return now - customerLastWroteAt.Value <= HumanAgentWindow
            ? ChannelPolicyDecision.Allow
            : ChannelPolicyDecision.Refuse(
                "messenger-human-agent-window",
                "The customer last wrote more than 7 days ago; Messenger allows no reply until they write again.");
    }

    public async Task<SentMessage> Send(OutboundMessage message, CancellationToken cancellationToken)
    {
        var decision = CheckPolicy(message.CustomerLastWroteAt, clock.GetUtcNow());
        if (!decision.Allowed)
        {
            throw new ChannelSendException("policy", decision.Detail!, SendFailureKind.Permanent, rule: decision.Rule);
        }

        // Inside the 24-hour window a reply is a plain RESPONSE; after it, only a human agent may write,
        // with the HUMAN_AGENT tag, for up to 7 days. The tag is never put on messages inside the window.
        var insideStandardWindow = clock.GetUtcNow() - message.CustomerLastWroteAt!.Value <= StandardWindow;
        var body = new SendRequest(
            new Recipient(message.Recipient.CustomerId),
            insideStandardWindow ? "RESPONSE" : "MESSAGE_TAG",
            insideStandardWindow ? null : "HUMAN_AGENT",
            Compose(message));

        var settings = options.Value;
        using var request = new HttpRequestMessage(
            HttpMethod.Post, $"{settings.GraphApiBase.TrimEnd('/')}/{settings.GraphApiVersion}/me/messages")
        {
            Content = JsonContent.Create(body, options: SerializerOptions),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.PageAccessToken);

        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            logger.LogWarning("Messenger Send API refused the connection for message {MessageId}", message.MessageId);
            throw new ChannelSendException("unreachable", "The Messenger Send API could not be reached.", SendFailureKind.Transient);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning("Messenger Send API did not respond for message {MessageId}: {ErrorType}", message.MessageId, ex.GetType().Name);
            throw new ChannelSendException("no-answer", "The Messenger Send API did not respond, so the message may have been sent.", SendFailureKind.Unknown);
        }

        using (response)
        {
            var payload = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode && TryRead<SendResponse>(payload) is { MessageId: { Length: > 0 } messageId })
            {
                logger.LogInformation(
                    "Messenger accepted message {MessageId} as {PlatformMessageId} for {ConversationKey}",
                    message.MessageId, messageId, message.Recipient.ToString());
                return new SentMessage(messageId, clock.GetUtcNow());
            }

            throw ToSendException(
                response.StatusCode, response.Headers.RetryAfter?.Delta ?? settings.RateLimitPause, TryRead<ErrorEnvelope>(payload)?.Error);
        }
    }

    private static OutgoingMessage Compose(OutboundMessage message)
    {
        if (message.LinkUrl is null)
        {
            var text = message.Text.Length <= MaxTextLength ? message.Text : message.Text[..MaxTextLength];
            return new OutgoingMessage(text, null, message.MessageId);
        }

        var templateText = message.Text.Length <= MaxTemplateTextLength ? message.Text : message.Text[..MaxTemplateTextLength];
        return new OutgoingMessage(null, new Attachment("template", new ButtonTemplate(
            "button", templateText, [new Button("web_url", message.LinkUrl, message.LinkTitle ?? "Pay", "full")])), message.MessageId);
    }

    /// <summary>
    /// Maps a Graph API error to a send failure. Codes from Meta's Messenger error reference: 10 with
    /// subcode 2018278 is outside the messaging window, 551 the person is unavailable, 613 a rate limit,
    /// 1 and 2 temporary errors, 100 an invalid parameter (also returned for retired message tags).
    /// </summary>
    internal static ChannelSendException ToSendException(HttpStatusCode status, TimeSpan? retryAfter, GraphError? error)
    {
        if (error is null)
        {
            return status == HttpStatusCode.TooManyRequests
                ? new ChannelSendException("http-429", "Messenger rate limit reached.", SendFailureKind.RateLimited, retryAfter)
                : new ChannelSendException(
                    $"http-{(int)status}", $"Messenger answered HTTP {(int)status} without an error body.",
                    (int)status >= 500 ? SendFailureKind.Transient : SendFailureKind.Permanent);
        }

        var code = error.Subcode is { } subcode ? $"{error.Code}/{subcode}" : $"{error.Code}";
        return error.Code switch
        {
            10 when error.Subcode == 2018278 => new ChannelSendException(code,
                "The customer last wrote more than 24 hours ago, so Messenger does not allow this message.",
                SendFailureKind.Permanent, rule: "messenger-24h-window"),
            551 => new ChannelSendException(code,
                "The customer is not available on Messenger (blocked the Page or turned off messages).", SendFailureKind.Permanent),
            613 => new ChannelSendException(code, "Messenger rate limit reached.", SendFailureKind.RateLimited, retryAfter),
            190 => new ChannelSendException(code, "The Page access token is invalid or expired.", SendFailureKind.Permanent),
            1 or 2 => new ChannelSendException(code, error.Message ?? "Temporary Messenger error.", SendFailureKind.Transient),
            _ when (int)status >= 500 => new ChannelSendException(code, error.Message ?? $"Messenger error {code}.", SendFailureKind.Transient),
            _ => new ChannelSendException(code, error.Message ?? $"Messenger error {code}.", SendFailureKind.Permanent),
        };
    }

    private static T? TryRead<T>(string json) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, SerializerOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record SendRequest(
        [property: JsonPropertyName("recipient")] Recipient Recipient,
        [property: JsonPropertyName("messaging_type")] string MessagingType,
        [property: JsonPropertyName("tag")] string? Tag,
        [property: JsonPropertyName("message")] OutgoingMessage Message);

    private sealed record Recipient([property: JsonPropertyName("id")] string Id);

    private sealed record OutgoingMessage(
        [property: JsonPropertyName("text")] string? Text,
        [property: JsonPropertyName("attachment")] Attachment? Attachment,
        [property: JsonPropertyName("metadata")] string? Metadata);

    private sealed record Attachment(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("payload")] ButtonTemplate Payload);

    private sealed record ButtonTemplate(
        [property: JsonPropertyName("template_type")] string TemplateType,
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("buttons")] IReadOnlyList<Button> Buttons);

    private sealed record Button(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("url")] string Url,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("webview_height_ratio")] string WebviewHeightRatio);

    private sealed record SendResponse(
        [property: JsonPropertyName("recipient_id")] string? RecipientId,
        [property: JsonPropertyName("message_id")] string? MessageId);

    internal sealed record ErrorEnvelope([property: JsonPropertyName("error")] GraphError? Error);

    internal sealed record GraphError(
        [property: JsonPropertyName("message")] string? Message,
        [property: JsonPropertyName("type")] string? Type,
        [property: JsonPropertyName("code")] int Code,
        [property: JsonPropertyName("error_subcode")] int? Subcode,
        [property: JsonPropertyName("fbtrace_id")] string? TraceId);
}
