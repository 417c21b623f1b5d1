using System.Text.Json;
using KlmSocialPay.Api.Webhooks;
using KlmSocialPay.Grains.Telemetry;

namespace KlmSocialPay.Api.Channels.WhatsApp;

/// <summary>
/// <c>GET /webhooks/whatsapp</c> responds to Meta's subscription check; <c>POST /webhooks/whatsapp</c> verifies the
/// signature, appends each customer message of the batch to <c>whatsapp:{wa_id}</c> and records each status
/// callback on the outbound message it names. Other fields and message kinds are acknowledged and skipped.
/// </summary>
public static class WhatsAppWebhook
{
    /// <summary>Meta batches up to 1,000 updates in one POST; 8 MiB leaves room for that.</summary>
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    /// <summary>The <c>object</c> of every Cloud API webhook body.</summary>
    public const string ObjectName = "whatsapp_business_account";

    public static IEndpointRouteBuilder MapWhatsAppWebhook(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/webhooks/whatsapp", Verify).WithTags("Webhooks").WithName("WhatsAppVerification").AllowAnonymous();
        endpoints.MapPost("/webhooks/whatsapp", Receive)
            .AddEndpointFilter(new WebhookMetricsFilter(WebhookSource.WhatsApp))
            .WithTags("Webhooks")
            .WithName("WhatsAppWebhook")
            .Accepts<object>("application/json")
            .AllowAnonymous();
        return endpoints;
    }

    internal static Results<ContentHttpResult, ProblemHttpResult> Verify(HttpRequest request, IOptions<WhatsAppOptions> options, ILoggerFactory loggers) =>
        MetaSubscription.Verify(request, options.Value.VerifyToken, loggers.CreateLogger(typeof(WhatsAppWebhook)), "WhatsApp");

    internal static async Task<Results<Ok, ProblemHttpResult>> Receive(
        HttpRequest request, IGrainFactory grains, IOptions<WhatsAppOptions> options, TimeProvider clock, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(WhatsAppWebhook));

        var body = await RawBody.ReadAsync(request, MaxBodyBytes);
        if (body is null)
        {
            return RawBody.TooLarge(MaxBodyBytes);
        }

        if (!MetaSignature.IsValid(body, request.Headers[MetaSignature.HeaderName], options.Value.AppSecret))
        {
            logger.LogWarning("WhatsApp webhook with a missing or invalid {Header} rejected", MetaSignature.HeaderName);
            return TypedResults.Problem(
                title: "Invalid signature",
                detail: $"The {MetaSignature.HeaderName} header is missing or does not match the body.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        WhatsAppNotification? notification;
        try
        {
            notification = JsonSerializer.Deserialize<WhatsAppNotification>(body);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path[2..] : "body";
            return Problems.BadRequest("Malformed body", $"The body is not a WhatsApp webhook event: '{field}' is invalid. {ex.Message}");
        }

        if (notification is not { Object: ObjectName, Entry: { } entries })
        {
            return Problems.BadRequest("Malformed body", $"The body's 'object' must be '{ObjectName}' with an 'entry' array.");
        }

        var updates = WhatsAppWebhookReader.Read(entries, options.Value.PhoneNumberId, clock.GetUtcNow(), logger);

        // Updates of one customer are applied in the body's order; different customers in parallel.
        await Task.WhenAll(updates
            .GroupBy(update => update.Key)
            .Select(conversation => Apply(grains, conversation, logger)));

        return TypedResults.Ok();
    }

    private static async Task Apply(IGrainFactory grains, IGrouping<ConversationKey, WhatsAppConversationUpdate> conversation, ILogger logger)
    {
        var grain = grains.GetGrain<IConversationGrain>(conversation.Key.ToString());
        foreach (var update in conversation)
        {
            if (update.Message is { } message)
            {
                await grain.RecordInboundMessage(message);
                continue;
            }

            var status = update.Status!;
            if (status.MessageId is { } messageId)
            {
                // Settles a send whose response was lost. The outbound grain finishes any send still in progress
                // first, so afterwards the conversation has the platform id this status refers to.
                await grains.GetGrain<IOutboundMessageGrain>(messageId).ConfirmByEcho(status.PlatformMessageId);
            }

            var known = await grain.RecordDeliveryStatus(status.PlatformMessageId, status.Status, status.At, status.ErrorCode);
            if (!known)
            {
                logger.LogInformation(
                    "WhatsApp status {DeliveryStatus} for unknown message {PlatformMessageId} in {ConversationKey} skipped",
                    status.Status, status.PlatformMessageId, conversation.Key.ToString());
            }
        }
    }
}
