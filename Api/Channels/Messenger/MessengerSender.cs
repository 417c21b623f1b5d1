using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KlmSocialPay.Api.Channels.Messenger;

/// <summary>
/// Sends payment links through the Messenger Send API (<c>POST /{version}/me/messages</c>) as a button
/// template with one <c>web_url</c> button.
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

    public Channel Channel => Channel.Messenger;

    public async Task<SentMessage> SendPaymentLink(PaymentLinkMessage message, CancellationToken cancellationToken)
    {
        var body = new SendRequest(
            new Recipient(message.Recipient.CustomerId),
            "RESPONSE",
            new OutgoingMessage(new Attachment("template", new ButtonTemplate(
                "button",
                message.Text.Length <= MaxTemplateTextLength ? message.Text : message.Text[..MaxTemplateTextLength],
                [new Button("web_url", message.Url, message.ButtonTitle, "full")]))));

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
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning(ex, "Messenger Send API unreachable for {ConversationKey}", message.Recipient.ToString());
            throw new ChannelSendException("unreachable", "The Messenger Send API could not be reached.", retryable: true);
        }

        using (response)
        {
            var payload = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode && TryRead<SendResponse>(payload) is { MessageId: { Length: > 0 } messageId })
            {
                logger.LogInformation("Messenger accepted message {MessageId} for {ConversationKey}", messageId, message.Recipient.ToString());
                return new SentMessage(messageId, clock.GetUtcNow());
            }

            throw ToSendException(response.StatusCode, TryRead<ErrorEnvelope>(payload)?.Error);
        }
    }

    /// <summary>
    /// Maps a Graph API error to a send failure. Codes from Meta's Messenger error reference:
    /// 10 with subcode 2018278 is outside the 24-hour window, 551 the person is unavailable, 613 a rate limit.
    /// </summary>
    internal static ChannelSendException ToSendException(HttpStatusCode status, GraphError? error)
    {
        if (error is null)
        {
            return new ChannelSendException(
                $"http-{(int)status}", $"Messenger answered HTTP {(int)status} without an error body.",
                retryable: (int)status >= 500 || status == HttpStatusCode.TooManyRequests);
        }

        var code = error.Subcode is { } subcode ? $"{error.Code}/{subcode}" : $"{error.Code}";
        var retryable = error.Code is 1 or 2 or 4 or 613 || (int)status >= 500;
        var detail = error.Code switch
        {
            10 when error.Subcode == 2018278 =>
                "The customer last wrote more than 24 hours ago, so Messenger does not allow this message.",
            551 => "The customer is not available on Messenger (blocked the Page or turned off messages).",
            613 => "Messenger rate limit reached; try again shortly.",
            190 => "The Page access token is invalid or expired.",
            _ => error.Message ?? $"Messenger error {code}.",
        };
        return new ChannelSendException(code, detail, retryable);
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
        [property: JsonPropertyName("message")] OutgoingMessage Message);

    private sealed record Recipient([property: JsonPropertyName("id")] string Id);

    private sealed record OutgoingMessage([property: JsonPropertyName("attachment")] Attachment Attachment);

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
