using KlmSocialPay.Sandbox.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.X;

/// <summary>
/// The customer's side of X under <c>/sandbox/x</c>: DMs and typing indicators become signed Account
/// Activity POSTs to the product, and the CRC check plays X validating the webhook.
/// </summary>
internal sealed class XCustomerEndpoints(XStore store, XWebhookPoster poster, IOptions<SandboxOptions> options, SandboxClock clock)
{
    public const string MessageKind = "message";

    public const string TypingKind = "typing";

    public static void Map(IEndpointRouteBuilder sandbox)
    {
        var x = sandbox.MapGroup("/x");

        RecordEndpoints.MapCustomers(x, XPage.Render, (XStore store) => store.Conversations);
        x.MapPost("/customers/{userId}/messages", async (HttpContext context, string userId, XCustomerEndpoints endpoints) =>
        {
            var (request, problem) = await SandboxRequestBody.ReadJsonAsync<CustomerMessageRequest>(context.Request);
            return problem ?? await endpoints.SendMessageAsync(userId, request!, context.RequestAborted);
        });
        x.MapPost("/customers/{userId}/typing", (string userId, XCustomerEndpoints endpoints, CancellationToken cancellationToken) =>
            endpoints.SendTypingAsync(userId, cancellationToken));
        x.MapPost("/crc-check", async (XWebhookPoster webhooks, CancellationToken cancellationToken) =>
            Results.Json(await webhooks.CheckCrcAsync(cancellationToken), SandboxJson.Options));
    }

    private async Task<IResult> SendMessageAsync(string userId, CustomerMessageRequest request, CancellationToken cancellationToken)
    {
        if (ValidateUser(userId) is { } problem)
        {
            return problem;
        }

        var attachPhoto = request.AttachPhoto == true;
        if (string.IsNullOrWhiteSpace(request.Text) && !attachPhoto)
        {
            return SandboxProblems.Invalid("text", "Send a non-empty text, \"attachPhoto\": true, or both.");
        }

        if (request.Text is { } text && text.EnumerateRunes().Count() > XDmEndpoints.MaxTextLength)
        {
            return SandboxProblems.Invalid("text", $"text must be at most {XDmEndpoints.MaxTextLength} characters, as on X.");
        }

        if (request.EventId is not null && !XIds.IsId(request.EventId))
        {
            return SandboxProblems.Invalid("eventId", "eventId must be 1 to 19 digits when given.");
        }

        var eventId = request.EventId ?? XIds.NewId();
        var hasText = !string.IsNullOrWhiteSpace(request.Text);
        var body = XActivityJson.MessageCreate(
            options.Value.X.AccountId, userId, eventId, clock.RealUtcNow, hasText ? request.Text : null, attachPhoto);

        var inbound = new XInboundMessage(eventId, userId, clock.UtcNow, MessageKind, hasText ? request.Text : null, attachPhoto, null, null);
        return await DeliverAsync(inbound, body, cancellationToken);
    }

    private async Task<IResult> SendTypingAsync(string userId, CancellationToken cancellationToken)
    {
        if (ValidateUser(userId) is { } problem)
        {
            return problem;
        }

        // Typing events have no id on X. The sandbox gives one so that its log can refer to the delivery.
        var inbound = new XInboundMessage(XIds.NewId(), userId, clock.UtcNow, TypingKind, null, false, null, null);
        var body = XActivityJson.Typing(options.Value.X.AccountId, userId, clock.RealUtcNow);
        return await DeliverAsync(inbound, body, cancellationToken);
    }

    /// <summary>Records the event, posts it, and returns the product's status, or 502 with the event id when the product did not respond.</summary>
    private async Task<IResult> DeliverAsync(XInboundMessage inbound, byte[] body, CancellationToken cancellationToken)
    {
        // Only a DM, not a typing indicator, opens a window and so makes the user a known recipient.
        store.Conversations.RecordInbound(inbound, inbound.Kind == MessageKind ? clock.UtcNow : null);

        var result = await poster.PostAsync(inbound.EventId, body, cancellationToken);
        store.Conversations.UpdateInboundDelivery(inbound.EventId, result.StatusCode, result.Error);

        if (result.StatusCode is null)
        {
            return SandboxProblems.BadGateway(result.Error!, new Dictionary<string, object?> { ["eventId"] = inbound.EventId });
        }

        return Results.Json(new CustomerMessageResult(inbound.EventId, result.StatusCode.Value, result.Accepted), SandboxJson.Options);
    }

    private IResult? ValidateUser(string userId)
    {
        if (!XIds.IsId(userId))
        {
            return SandboxProblems.Invalid("userId", $"The user id must be 1 to 19 digits, got '{userId}'.");
        }

        if (userId == options.Value.X.AccountId)
        {
            return SandboxProblems.Invalid("userId", $"{userId} is the simulated account itself (Sandbox:X:AccountId); write as another user.");
        }

        return null;
    }

    /// <summary>
    /// Body of a customer DM. <see cref="EventId"/> forces the event id, to simulate X redelivering an event;
    /// <see cref="AttachPhoto"/> attaches a photo, whose t.co link X appends to the text.
    /// </summary>
    internal sealed record CustomerMessageRequest(string? Text, string? EventId, bool? AttachPhoto);

    /// <summary>The product's response to the webhook POST.</summary>
    internal sealed record CustomerMessageResult(string EventId, int StatusCode, bool Accepted);
}
