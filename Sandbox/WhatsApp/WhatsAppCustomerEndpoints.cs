using KlmSocialPay.Sandbox.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>
/// The customer's side of WhatsApp under <c>/sandbox/whatsapp</c>: a message becomes a signed Cloud API webhook
/// to the product and opens a new customer service window for its wa_id; reading the chat posts <c>read</c>
/// statuses for the business's messages.
/// </summary>
internal sealed class WhatsAppCustomerEndpoints(WhatsAppStore store, WhatsAppWebhookPoster poster, SandboxClock clock)
{
    /// <summary>Longest customer text the sandbox sends, in characters; the same limit as a business text message.</summary>
    public const int MaximumTextLength = 4096;

    public const int MaximumWamidLength = 200;

    public const string DefaultProfileName = "Alex Example";

    public static void Map(IEndpointRouteBuilder sandbox)
    {
        var whatsapp = sandbox.MapGroup("/whatsapp");

        RecordEndpoints.MapCustomers(whatsapp, WhatsAppPage.Render, (WhatsAppStore store) => store.Conversations);
        whatsapp.MapPost("/customers/{waId}/messages", async (HttpContext context, string waId, WhatsAppCustomerEndpoints endpoints) =>
        {
            var (request, problem) = await SandboxRequestBody.ReadJsonAsync<CustomerMessageRequest>(context.Request);
            return problem ?? await endpoints.SendMessageAsync(waId, request!, context.RequestAborted);
        });
        whatsapp.MapPost("/customers/{waId}/read", (HttpContext context, string waId, WhatsAppCustomerEndpoints endpoints) =>
            endpoints.ReadAsync(waId, context.RequestAborted));
    }

    private async Task<IResult> SendMessageAsync(string waId, CustomerMessageRequest request, CancellationToken cancellationToken)
    {
        if (!MetaIds.IsNumericId(waId))
        {
            return SandboxProblems.Invalid("waId", $"The wa_id must be 1 to 20 digits, got '{waId}'.");
        }

        if (string.IsNullOrWhiteSpace(request.Text))
        {
            return SandboxProblems.Invalid("text", "Send a non-empty text.");
        }

        if (request.Text.Length > MaximumTextLength)
        {
            return SandboxProblems.Invalid("text", $"text must be at most {MaximumTextLength} characters, got {request.Text.Length}.");
        }

        if (request.Wamid is not null && (request.Wamid.Length == 0 || request.Wamid.Length > MaximumWamidLength))
        {
            return SandboxProblems.Invalid("wamid", $"wamid must be 1 to {MaximumWamidLength} characters when given.");
        }

        var message = new WhatsAppInboundMessage(
            request.Wamid ?? WhatsAppIds.Message(), waId, string.IsNullOrWhiteSpace(request.Name) ? DefaultProfileName : request.Name,
            request.Text, clock.RealUtcNow, null, null);

        // The window follows the sandbox clock; the webhook's timestamp is real time, which the product checks against its own clock.
        store.Conversations.RecordInbound(message, clock.UtcNow);

        var result = await poster.PostAsync($"customer message {message.Id}", poster.BuildMessageBody(message), cancellationToken);
        store.Conversations.UpdateInboundDelivery(message.Id, result.StatusCode, result.Error);

        if (result.StatusCode is null)
        {
            return SandboxProblems.BadGateway(result.Error!, new Dictionary<string, object?> { ["wamid"] = message.Id });
        }

        return Results.Json(new CustomerMessageResult(message.Id, result.StatusCode.Value, result.Accepted), SandboxJson.Options);
    }

    /// <summary>Posts a <c>read</c> status for every message to <paramref name="waId"/> that is not read yet, as opening the chat does.</summary>
    private async Task<IResult> ReadAsync(string waId, CancellationToken cancellationToken)
    {
        if (!MetaIds.IsNumericId(waId))
        {
            return SandboxProblems.Invalid("waId", $"The wa_id must be 1 to 20 digits, got '{waId}'.");
        }

        var results = new List<ReadResult>();
        foreach (var unread in store.Conversations.Outbound(waId).Where(message => message.Status != "read"))
        {
            if (store.Advance(unread.Id, "read") is not { } message)
            {
                continue;
            }

            var now = clock.RealUtcNow;
            var result = await poster.PostAsync($"status read of {message.Id}", poster.BuildStatusBody(message, "read", now), cancellationToken);
            store.RecordStatusPost(message.Id, new WhatsAppStatusPost("read", now, result.StatusCode, result.Error));
            results.Add(new ReadResult(message.Id, result.StatusCode, result.Error));
        }

        return Results.Json(results, SandboxJson.Options);
    }

    /// <summary>
    /// Body of a customer message. <see cref="Name"/> is the profile name sent in <c>contacts</c>;
    /// <see cref="Wamid"/> forces the message id, to simulate Meta redelivering a webhook.
    /// </summary>
    internal sealed record CustomerMessageRequest(string? Text, string? Name, string? Wamid);

    /// <summary>The product's response to the webhook POST.</summary>
    internal sealed record CustomerMessageResult(string Wamid, int StatusCode, bool Accepted);

    /// <summary>One <c>read</c> status posted, with the product's status code or the delivery error.</summary>
    internal sealed record ReadResult(string Wamid, int? StatusCode, string? Error);
}
