using System.Text.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Sandbox.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>
/// The customer's side of Messenger under <c>/sandbox/messenger</c>: messages and postbacks become signed
/// webhook events to the product, and each one opens a new messaging window for its PSID.
/// </summary>
internal sealed class MessengerCustomerEndpoints(MessengerStore store, MessengerWebhookPoster poster, SandboxClock clock)
{
    public const int MaximumMidLength = 200;

    public static void Map(IEndpointRouteBuilder sandbox)
    {
        var messenger = sandbox.MapGroup("/messenger");

        RecordEndpoints.MapCustomers(messenger, MessengerPage.Render, (MessengerStore store) => store.Conversations);
        messenger.MapPost("/customers/{psid}/messages", async (HttpContext context, string psid, MessengerCustomerEndpoints endpoints) =>
        {
            var (request, problem) = await SandboxRequestBody.ReadJsonAsync<CustomerMessageRequest>(context.Request);
            return problem ?? await endpoints.SendMessageAsync(psid, request!, context.RequestAborted);
        });
        messenger.MapPost("/customers/{psid}/postbacks", async (HttpContext context, string psid, MessengerCustomerEndpoints endpoints) =>
        {
            var (request, problem) = await SandboxRequestBody.ReadJsonAsync<CustomerPostbackRequest>(context.Request);
            return problem ?? await endpoints.SendPostbackAsync(psid, request!, context.RequestAborted);
        });
    }

    private async Task<IResult> SendMessageAsync(string psid, CustomerMessageRequest request, CancellationToken cancellationToken)
    {
        if (ValidateCommon(psid, request.Mid) is { } problem)
        {
            return problem;
        }

        var hasText = !string.IsNullOrWhiteSpace(request.Text);
        var attachments = request.Attachments;

        if (!hasText && attachments is null)
        {
            return SandboxProblems.Invalid("text", "Send a non-empty text, attachments, or both.");
        }

        if (attachments is not null && ValidateAttachments(attachments) is { } attachmentProblem)
        {
            return attachmentProblem;
        }

        var mid = request.Mid ?? SandboxIds.MessengerMessage();
        var message = new JsonObject { ["mid"] = mid };

        if (hasText)
        {
            message["text"] = request.Text;
        }

        if (attachments is not null)
        {
            message["attachments"] = attachments.DeepClone();
        }

        var inbound = new MessengerInboundMessage(mid, psid, clock.UtcNow, "message", hasText ? request.Text : null, attachments?.DeepClone(), null, null, null, null);

        return await DeliverAsync(inbound, "message", message, cancellationToken);
    }

    private async Task<IResult> SendPostbackAsync(string psid, CustomerPostbackRequest request, CancellationToken cancellationToken)
    {
        if (ValidateCommon(psid, request.Mid) is { } problem)
        {
            return problem;
        }

        if (string.IsNullOrEmpty(request.Payload))
        {
            return SandboxProblems.Invalid("payload", "A postback needs the payload of the button that was tapped.");
        }

        var mid = request.Mid ?? SandboxIds.MessengerMessage();
        var postback = new JsonObject { ["mid"] = mid, ["title"] = request.Title ?? "", ["payload"] = request.Payload };
        var inbound = new MessengerInboundMessage(mid, psid, clock.UtcNow, "postback", null, null, request.Title, request.Payload, null, null);

        return await DeliverAsync(inbound, "postback", postback, cancellationToken);
    }

    /// <summary>Records the event, posts it, and returns the product's status, or 502 with the mid when the product did not respond.</summary>
    private async Task<IResult> DeliverAsync(MessengerInboundMessage inbound, string eventName, JsonObject payload, CancellationToken cancellationToken)
    {
        store.Conversations.RecordInbound(inbound, clock.UtcNow);

        var body = poster.BuildBody(inbound.Psid, eventName, payload);
        var result = await poster.PostAsync(inbound.MessageId, body, cancellationToken);
        store.Conversations.UpdateInboundDelivery(inbound.MessageId, result.StatusCode, result.Error);

        if (result.StatusCode is null)
        {
            return SandboxProblems.BadGateway(result.Error!, new Dictionary<string, object?> { ["mid"] = inbound.MessageId });
        }

        return Results.Json(new CustomerMessageResult(inbound.MessageId, result.StatusCode.Value, result.Accepted), SandboxJson.Options);
    }

    private static IResult? ValidateCommon(string psid, string? mid)
    {
        if (!MetaIds.IsNumericId(psid))
        {
            return SandboxProblems.Invalid("psid", $"The PSID must be 1 to 20 digits, got '{psid}'.");
        }

        if (mid is not null && (mid.Length == 0 || mid.Length > MaximumMidLength))
        {
            return SandboxProblems.Invalid("mid", $"mid must be 1 to {MaximumMidLength} characters when given.");
        }

        return null;
    }

    private static IResult? ValidateAttachments(JsonArray attachments)
    {
        if (attachments.Count == 0)
        {
            return SandboxProblems.Invalid("attachments", "attachments must contain at least one attachment when given.");
        }

        for (var index = 0; index < attachments.Count; index++)
        {
            if (attachments[index] is not JsonObject attachment
                || attachment["type"]?.GetValueKind() != JsonValueKind.String)
            {
                return SandboxProblems.Invalid($"attachments[{index}]", "Each attachment must be an object with a string type, such as {\"type\":\"image\",\"payload\":{\"url\":\"…\"}}.");
            }
        }

        return null;
    }

    /// <summary>Body of a customer message. <see cref="Mid"/> forces the message ID, to simulate Meta redelivering an event.</summary>
    internal sealed record CustomerMessageRequest(string? Text, string? Mid, JsonArray? Attachments);

    /// <summary>Body of a customer tapping a postback button.</summary>
    internal sealed record CustomerPostbackRequest(string? Title, string? Payload, string? Mid);

    /// <summary>The product's response to the webhook POST.</summary>
    internal sealed record CustomerMessageResult(string Mid, int StatusCode, bool Accepted);
}
