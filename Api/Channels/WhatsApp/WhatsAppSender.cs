using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KlmSocialPay.Api.Channels.WhatsApp;

/// <summary>
/// Sends messages through the Cloud API (<c>POST /{version}/{phone-number-id}/messages</c>): a payment link as
/// an interactive call-to-action URL message (body text and one button that opens the link), other messages
/// as text. Only free-form messages inside the 24-hour customer service window are sent; the product sends
/// no template messages. The product's message id goes in <c>biz_opaque_callback_data</c>, which Meta returns
/// on every status callback, so a status confirms a send whose response was lost.
/// </summary>
public sealed class WhatsAppSender(
    IHttpClientFactory httpClients,
    IOptions<WhatsAppOptions> options,
    TimeProvider clock,
    ILogger<WhatsAppSender> logger) : IChannelSender
{
    public const string HttpClientName = "whatsapp";

    /// <summary>Cloud API limit for the body text of an interactive message, in characters.</summary>
    public const int MaxInteractiveBodyLength = 1024;

    /// <summary>Cloud API limit for the label of a call-to-action URL button, in characters.</summary>
    public const int MaxDisplayTextLength = 20;

    /// <summary>Cloud API limit for the body of a text message, in characters.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>The customer service window: free-form messages are allowed this long after the customer's last message.</summary>
    public static readonly TimeSpan CustomerServiceWindow = TimeSpan.FromHours(24);

    public const string WindowRule = "whatsapp-24h-window";

    public const string CustomerFirstRule = "whatsapp-customer-first";

    public Channel Channel => Channel.WhatsApp;

    public ChannelPolicyDecision CheckPolicy(DateTimeOffset? customerLastWroteAt, DateTimeOffset now)
    {
        if (customerLastWroteAt is null)
        {
            return ChannelPolicyDecision.Refuse(
                CustomerFirstRule,
                "The customer has not written on WhatsApp. Outside a conversation the customer opened, WhatsApp allows only approved template messages, and the product does not send templates.");
        }

        return now - customerLastWroteAt.Value <= CustomerServiceWindow
            ? ChannelPolicyDecision.Allow
            : ChannelPolicyDecision.Refuse(
                WindowRule,
                "The customer last wrote more than 24 hours ago, so WhatsApp allows only an approved template message now, and the product does not send templates. The link can be sent once the customer writes again.");
    }

    public async Task<SentMessage> Send(OutboundMessage message, CancellationToken cancellationToken)
    {
        var decision = CheckPolicy(message.CustomerLastWroteAt, clock.GetUtcNow());
        if (!decision.Allowed)
        {
            throw new ChannelSendException("policy", decision.Detail!, SendFailureKind.Permanent, rule: decision.Rule);
        }

        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.PhoneNumberId))
        {
            throw new ChannelSendException(
                "not-configured", "WhatsApp:PhoneNumberId is not set, so the product cannot send WhatsApp messages.", SendFailureKind.Permanent);
        }

        using var request = new HttpRequestMessage(
            HttpMethod.Post, $"{settings.GraphApiBase.TrimEnd('/')}/{settings.GraphApiVersion}/{settings.PhoneNumberId}/messages")
        {
            Content = JsonContent.Create(Compose(message), options: SerializerOptions),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.AccessToken);

        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            logger.LogWarning("WhatsApp Cloud API refused the connection for message {MessageId}", message.MessageId);
            throw new ChannelSendException("unreachable", "The WhatsApp Cloud API could not be reached.", SendFailureKind.Transient);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning("WhatsApp Cloud API did not respond for message {MessageId}: {ErrorType}", message.MessageId, ex.GetType().Name);
            throw new ChannelSendException(
                "no-answer", "The WhatsApp Cloud API did not respond; the message may have been sent.", SendFailureKind.Unknown);
        }

        using (response)
        {
            var payload = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                if (TryRead<SendResponse>(payload)?.Messages?.FirstOrDefault()?.Id is { Length: > 0 } wamid)
                {
                    logger.LogInformation(
                        "WhatsApp accepted message {MessageId} as {PlatformMessageId} for {ConversationKey}",
                        message.MessageId, wamid, message.Recipient.ToString());
                    return new SentMessage(wamid, clock.GetUtcNow());
                }

                logger.LogWarning("WhatsApp returned HTTP {StatusCode} without a message id for message {MessageId}", (int)response.StatusCode, message.MessageId);
                throw new ChannelSendException(
                    "no-message-id", "The WhatsApp Cloud API responded without a message id; the message may have been sent.", SendFailureKind.Unknown);
            }

            var error = TryRead<ErrorEnvelope>(payload)?.Error;
            logger.LogWarning(
                "WhatsApp rejected message {MessageId} with HTTP {StatusCode}, error code {ErrorCode}",
                message.MessageId, (int)response.StatusCode, error?.Code);
            throw WhatsAppSendErrors.ToSendException(response.StatusCode, response.Headers.RetryAfter?.Delta, error);
        }
    }

    private static SendRequest Compose(OutboundMessage message)
    {
        var to = message.Recipient.CustomerId;
        if (message.LinkUrl is null)
        {
            return new SendRequest(to, "text", new TextContent(Truncate(message.Text, MaxTextLength), PreviewUrl: false), null, message.MessageId);
        }

        var interactive = new InteractiveContent(
            "cta_url",
            new InteractiveBody(Truncate(message.Text, MaxInteractiveBodyLength)),
            new CtaAction("cta_url", new CtaParameters(Truncate(message.LinkTitle ?? "Pay", MaxDisplayTextLength), message.LinkUrl)));
        return new SendRequest(to, "interactive", null, interactive, message.MessageId);
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxLength"/> UTF-16 units without splitting a surrogate pair.</summary>
    internal static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var length = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        return text[..length];
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
        [property: JsonPropertyName("to")] string To,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("text")] TextContent? Text,
        [property: JsonPropertyName("interactive")] InteractiveContent? Interactive,
        [property: JsonPropertyName("biz_opaque_callback_data")] string CallbackData)
    {
        [JsonPropertyName("messaging_product")]
        [JsonPropertyOrder(-2)]
        public string MessagingProduct => "whatsapp";

        [JsonPropertyName("recipient_type")]
        [JsonPropertyOrder(-1)]
        public string RecipientType => "individual";
    }

    private sealed record TextContent(
        [property: JsonPropertyName("body")] string Body,
        [property: JsonPropertyName("preview_url")] bool PreviewUrl);

    private sealed record InteractiveContent(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("body")] InteractiveBody Body,
        [property: JsonPropertyName("action")] CtaAction Action);

    private sealed record InteractiveBody([property: JsonPropertyName("text")] string Text);

    private sealed record CtaAction(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("parameters")] CtaParameters Parameters);

    private sealed record CtaParameters(
        [property: JsonPropertyName("display_text")] string DisplayText,
        [property: JsonPropertyName("url")] string Url);

    private sealed record SendResponse(
        [property: JsonPropertyName("messaging_product")] string? MessagingProduct,
        [property: JsonPropertyName("messages")] IReadOnlyList<SentMessageId?>? Messages);

    private sealed record SentMessageId([property: JsonPropertyName("id")] string? Id);

    private sealed record ErrorEnvelope([property: JsonPropertyName("error")] WhatsAppGraphError? Error);
}
