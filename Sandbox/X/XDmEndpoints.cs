using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Sandbox.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.X;

/// <summary>
/// The account side of X under <c>/sandbox/x</c>: the v2 DM endpoint
/// (<c>POST /2/dm_conversations/with/{participant_id}/messages</c>), the record of what was sent, and
/// failure injection.
/// </summary>
internal sealed class XDmEndpoints(
    XStore store,
    IOptions<SandboxOptions> options,
    SandboxClock clock,
    ILogger<XDmEndpoints> logger)
{
    /// <summary>X's limit for DM text: 10,000 characters, counted here in Unicode code points.</summary>
    public const int MaxTextLength = 10_000;

    /// <summary>X's limit on this endpoint: 200 requests per 15 minutes per user.</summary>
    public const int RateLimitPerWindow = 200;

    public static readonly TimeSpan RateLimitWindow = TimeSpan.FromMinutes(15);

    private XSandboxOptions X => options.Value.X;

    public static void Map(IEndpointRouteBuilder sandbox)
    {
        var x = sandbox.MapGroup("/x");

        x.MapPost("/2/dm_conversations/with/{participantId}/messages", (HttpContext context, string participantId, XDmEndpoints endpoints) =>
            endpoints.SendAsync(context, participantId));

        x.MapPost("/failures", async (HttpContext context, XDmEndpoints endpoints) =>
        {
            var (request, problem) = await SandboxRequestBody.ReadJsonAsync<FailureRuleRequest>(context.Request);
            return problem ?? endpoints.AddFailureRule(request!);
        });
        RecordEndpoints.MapOutbound(x, (XStore store) => store.Conversations, store => store.Failures, rule => rule);
    }

    /// <summary>Checks the token, the rate limit, the participant and the body, in that order, then records the DM.</summary>
    private async Task<IResult> SendAsync(HttpContext context, string participantId)
    {
        XRateLimitState? rateLimit = null;

        try
        {
            Authorize(context.Request);

            rateLimit = store.CountRequest(clock.RealUtcNow, RateLimitPerWindow, RateLimitWindow);
            if (rateLimit.Exceeded)
            {
                throw new XApiException(XApiError.TooManyRequests());
            }

            if (!XIds.IsId(participantId))
            {
                throw new XApiException(XApiError.InvalidRequest(
                    "participant_id", participantId, $"The `participant_id` path parameter value [{participantId}] is not a valid user id."));
            }

            var body = await ReadBodyAsync(context.Request, context.RequestAborted);
            var (text, mediaIds) = ValidateMessage(body);
            CheckRecipient(participantId);

            var eventId = XIds.NewId();
            var conversationId = XIds.OneToOneConversationId(X.AccountId, participantId);
            store.Conversations.RecordOutbound(new XOutboundMessage(eventId, conversationId, participantId, text, mediaIds, clock.UtcNow));

            logger.LogInformation("X sandbox accepted DM {EventId} to {RecipientId}", eventId, participantId);

            var response = new JsonObject
            {
                ["data"] = new JsonObject { ["dm_conversation_id"] = conversationId, ["dm_event_id"] = eventId },
            };
            return new XJsonResult(StatusCodes.Status201Created, response, rateLimit);
        }
        catch (XApiException exception)
        {
            logger.LogInformation("X sandbox rejected a DM with HTTP {StatusCode}", exception.Error.Status);
            return new XJsonResult(exception.Error.Status, exception.Error.Body, rateLimit);
        }
    }

    private void Authorize(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : "";

        if (token.Length == 0
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(X.UserAccessToken)))
        {
            throw new XApiException(XApiError.Unauthorized());
        }
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken) as JsonObject
                ?? throw new XApiException(XApiError.InvalidRequest(null, null, "The request body must be a JSON object."));
        }
        catch (JsonException)
        {
            throw new XApiException(XApiError.InvalidRequest(null, null, "The request body is not valid JSON."));
        }
    }

    /// <summary>Requires <c>text</c>, <c>attachments</c> or both: text of up to 10,000 code points, and exactly one attachment with a media id.</summary>
    private static (string? Text, IReadOnlyList<string> MediaIds) ValidateMessage(JsonObject body)
    {
        string? text = null;
        if (body["text"] is { } textNode)
        {
            if (textNode.GetValueKind() != JsonValueKind.String)
            {
                throw new XApiException(XApiError.InvalidRequest("text", textNode.ToJsonString(), "`text` must be a string."));
            }

            text = textNode.GetValue<string>();
        }

        var mediaIds = new List<string>();
        if (body["attachments"] is { } attachmentsNode)
        {
            if (attachmentsNode is not JsonArray { Count: 1 } attachments
                || attachments[0] is not JsonObject attachment
                || attachment["media_id"] is not JsonValue mediaId
                || mediaId.GetValueKind() != JsonValueKind.String
                || !XIds.IsId(mediaId.GetValue<string>()))
            {
                throw new XApiException(XApiError.InvalidRequest(
                    "attachments", attachmentsNode.ToJsonString(), "`attachments` must contain exactly one object with a numeric string `media_id`."));
            }

            mediaIds.Add(mediaId.GetValue<string>());
        }

        if (string.IsNullOrEmpty(text) && mediaIds.Count == 0)
        {
            throw new XApiException(XApiError.InvalidRequest("text", text ?? "", "text or attachments must be provided"));
        }

        var length = text?.EnumerateRunes().Count() ?? 0;
        if (length > MaxTextLength)
        {
            throw new XApiException(XApiError.InvalidRequest(
                "text", $"({length.ToString(CultureInfo.InvariantCulture)} characters)",
                $"`text` must be at most {MaxTextLength.ToString(CultureInfo.InvariantCulture)} characters."));
        }

        return (text, mediaIds);
    }

    /// <summary>Applies the rules that depend on the recipient: known user (when required), then injected failures.</summary>
    private void CheckRecipient(string participantId)
    {
        if (X.RequireKnownRecipient && store.Conversations.LastCustomerMessageAt(participantId) is null)
        {
            throw new XApiException(XApiError.Forbidden());
        }

        if (store.Failures.Take(participantId) is { } injected)
        {
            throw new XApiException(XApiError.ForInjectedStatus(injected.Status)!);
        }
    }

    private IResult AddFailureRule(FailureRuleRequest request)
    {
        if (!XIds.IsId(request.RecipientId))
        {
            return SandboxProblems.Invalid("recipientId", "recipientId must be an X user id of 1 to 19 digits.");
        }

        if (request.Status is not { } status || XApiError.ForInjectedStatus(status) is null)
        {
            return SandboxProblems.Invalid(
                "status", $"status must be 403 (does not accept DMs), 429 (rate limit) or 500 (server error), got {request.Status}.");
        }

        if (FailureRuleRequests.ReadCount(request.Count, out var count) is { } countProblem)
        {
            return countProblem;
        }

        var rule = new XFailureRule(request.RecipientId!, status, count);
        store.Failures.Add(rule);

        logger.LogInformation("X sandbox will fail the next {Count} DMs to {RecipientId} with HTTP {StatusCode}", count, rule.RecipientId, status);
        return Results.Json(rule, SandboxJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Body of <c>POST /sandbox/x/failures</c>.</summary>
    internal sealed record FailureRuleRequest(string? RecipientId, int? Status, int? Count);

    /// <summary>
    /// Writes X's JSON: <c>application/json</c> for success, <c>application/problem+json</c> for errors, and the
    /// <c>x-rate-limit-*</c> headers once the request was counted. A 429 always reports 0 remaining.
    /// </summary>
    private sealed class XJsonResult(int statusCode, JsonObject body, XRateLimitState? rateLimit) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = statusCode;
            response.ContentType = statusCode < 400 ? "application/json; charset=utf-8" : "application/problem+json; charset=utf-8";

            if (rateLimit is not null)
            {
                var remaining = statusCode == StatusCodes.Status429TooManyRequests ? 0 : rateLimit.Remaining;
                response.Headers["x-rate-limit-limit"] = rateLimit.Limit.ToString(CultureInfo.InvariantCulture);
                response.Headers["x-rate-limit-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
                response.Headers["x-rate-limit-reset"] = rateLimit.ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            }

            return response.WriteAsync(body.ToJsonString(), Encoding.UTF8, httpContext.RequestAborted);
        }
    }
}
