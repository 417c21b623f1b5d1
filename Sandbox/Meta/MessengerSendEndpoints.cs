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

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>
/// The Page side of Messenger under <c>/sandbox/meta</c>: the Send API (<c>POST /{version}/me/messages</c>
/// and <c>POST /{version}/{page-id}/messages</c>), the record of what was sent, and failure injection.
/// </summary>
internal sealed class MessengerSendEndpoints(
    MessengerStore store,
    IOptions<SandboxOptions> options,
    SandboxClock clock,
    ILogger<MessengerSendEndpoints> logger)
{
    /// <summary>A RESPONSE or UPDATE message must follow the customer's last message within this time.</summary>
    public static readonly TimeSpan StandardMessagingWindow = TimeSpan.FromHours(24);

    /// <summary>A HUMAN_AGENT (or CUSTOMER_FEEDBACK) tagged message may follow the customer's last message within this time.</summary>
    public static readonly TimeSpan TaggedMessagingWindow = TimeSpan.FromDays(7);

    private MetaSandboxOptions Meta => options.Value.Meta;

    public static void Map(IEndpointRouteBuilder sandbox)
    {
        var meta = sandbox.MapGroup("/meta");

        meta.MapPost("/{version}/me/messages", (HttpContext context, string version, MessengerSendEndpoints endpoints) =>
            endpoints.SendAsync(context, version, pageId: null));
        meta.MapPost("/{version}/{pageId}/messages", (HttpContext context, string version, string pageId, MessengerSendEndpoints endpoints) =>
            endpoints.SendAsync(context, version, pageId));

        meta.MapPost("/failures", async (HttpContext context, MessengerSendEndpoints endpoints) =>
        {
            var (request, problem) = await SandboxRequestBody.ReadJsonAsync<FailureRuleRequest>(context.Request);
            return problem ?? endpoints.AddFailureRule(request!);
        });
        RecordEndpoints.MapOutbound(meta, (MessengerStore store) => store.Conversations, store => store.Failures, FailureRuleView.From);
    }

    private async Task<IResult> SendAsync(HttpContext context, string version, string? pageId)
    {
        var traceId = SandboxIds.FacebookTrace();

        try
        {
            var body = await ReadBodyAsync(context.Request, context.RequestAborted);
            Authorize(context.Request, body, version, pageId);

            var request = MessengerSendRequestParser.Parse(body);
            CheckRecipient(request);

            var messageId = SandboxIds.MessengerMessage();
            store.Conversations.RecordOutbound(new MessengerOutboundMessage(
                messageId, request.RecipientId, request.MessagingType, request.Tag, clock.UtcNow,
                request.Message?.DeepClone(), request.SenderAction));

            logger.LogInformation(
                "Messenger sandbox accepted {SendKind} {MessageId} to {RecipientId} as {MessagingType}",
                request.SenderAction is null ? "message" : "sender action", messageId, request.RecipientId, request.MessagingType);

            var response = request.SenderAction is null
                ? new JsonObject { ["recipient_id"] = request.RecipientId, ["message_id"] = messageId }
                : new JsonObject { ["recipient_id"] = request.RecipientId };

            return MetaGraphHttp.Json(StatusCodes.Status200OK, MetaJson.Serialize(response), traceId);
        }
        catch (MetaGraphException exception)
        {
            var error = exception.Error;

            logger.LogInformation(
                "Messenger sandbox rejected a send with code {ErrorCode} subcode {ErrorSubcode} (HTTP {StatusCode})",
                error.Code, error.Subcode, error.HttpStatus);

            return MetaGraphHttp.Error(context, error.HttpStatus, error.Code, error.Message, error.ToJson(traceId), traceId);
        }
    }

    /// <summary>Checks the version segment, the token and the Page, in that order.</summary>
    private void Authorize(HttpRequest request, JsonObject body, string version, string? pageId)
    {
        if (!MetaGraphHttp.IsVersion(version))
        {
            throw new MetaGraphException(MetaGraphError.UnknownVersion(version));
        }

        var token = ReadAccessToken(request, body);

        if (string.IsNullOrEmpty(token))
        {
            throw new MetaGraphException(pageId is null ? MetaGraphError.MissingTokenForMe() : MetaGraphError.MissingToken());
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(Meta.PageAccessToken)))
        {
            throw new MetaGraphException(MetaGraphError.InvalidToken());
        }

        if (pageId is not null && pageId != Meta.PageId)
        {
            throw new MetaGraphException(MetaGraphError.UnknownPage(pageId));
        }
    }

    /// <summary>Applies the rules that depend on the recipient: known PSID, injected failures, then the messaging window.</summary>
    private void CheckRecipient(MessengerSendRequest request)
    {
        var lastMessageAt = store.Conversations.LastCustomerMessageAt(request.RecipientId);

        if (lastMessageAt is null && Meta.RequireKnownRecipient)
        {
            throw new MetaGraphException(MetaGraphError.NoMatchingUser());
        }

        if (store.Failures.Take(request.RecipientId) is { } injected)
        {
            throw new MetaGraphException(injected.Error);
        }

        if (lastMessageAt is null)
        {
            return;
        }

        var window = request.MessagingType == MessengerSendRequestParser.MessageTag ? TaggedMessagingWindow : StandardMessagingWindow;

        if (clock.UtcNow - lastMessageAt.Value > window)
        {
            throw new MetaGraphException(MetaGraphError.OutsideWindow());
        }
    }

    private IResult AddFailureRule(FailureRuleRequest request)
    {
        if (!MetaIds.IsNumericId(request.RecipientId))
        {
            return SandboxProblems.Invalid("recipientId", "recipientId must be a PSID of 1 to 20 digits.");
        }

        if (FailureRuleRequests.ReadCount(request.Count, out var count) is { } countProblem)
        {
            return countProblem;
        }

        MetaGraphError? error = request.Code switch
        {
            613 => MetaGraphError.RateLimited(),
            551 => MetaGraphError.UserUnavailable(),
            10 => MetaGraphError.OutsideWindow(),
            500 or 2 => MetaGraphError.Transient(),
            _ => null,
        };

        if (error is null || request.Code is null)
        {
            return SandboxProblems.Invalid("code", $"code must be 613 (rate limit), 551 (user unavailable), 10 (outside the messaging window) or 500 (HTTP 500, Graph code 2), got {request.Code}.");
        }

        var rule = new MessengerFailureRule(request.RecipientId!, request.Code.Value, count, error);
        store.Failures.Add(rule);

        logger.LogInformation(
            "Messenger sandbox will fail the next {Count} sends to {RecipientId} with code {ErrorCode}",
            count, rule.RecipientId, error.Code);

        return Results.Json(FailureRuleView.From(rule), SandboxJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>
    /// Reads a JSON body, or a form whose fields hold JSON values (<c>recipient={"id":"…"}</c>), which the
    /// Graph API accepts as well.
    /// </summary>
    private static async Task<JsonObject> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            var fromForm = new JsonObject();

            foreach (var (name, values) in form)
            {
                fromForm[name] = ParseFormValue(values.ToString());
            }

            return fromForm;
        }

        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken) as JsonObject
                ?? throw new MetaGraphException(MetaGraphError.InvalidParameter("The request body must be a JSON object"));
        }
        catch (JsonException)
        {
            throw new MetaGraphException(MetaGraphError.InvalidParameter("The request body is not valid JSON"));
        }
    }

    private static JsonNode? ParseFormValue(string value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }

    /// <summary>The token from <c>Authorization: Bearer</c>, else from <c>access_token</c> in the query or body.</summary>
    private static string? ReadAccessToken(HttpRequest request, JsonObject body)
    {
        var authorization = request.Headers.Authorization.ToString();

        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (request.Query.TryGetValue("access_token", out var queryToken))
        {
            return queryToken.ToString();
        }

        return body["access_token"]?.GetValueKind() == JsonValueKind.String ? body["access_token"]!.GetValue<string>() : null;
    }

    /// <summary>Body of <c>POST /sandbox/meta/failures</c>.</summary>
    internal sealed record FailureRuleRequest(string? RecipientId, int? Code, int? Count);

    internal sealed record FailureRuleView(string RecipientId, int Code, int Remaining, int HttpStatus, int GraphCode, int? GraphSubcode)
    {
        public static FailureRuleView From(MessengerFailureRule rule) =>
            new(rule.RecipientId, rule.Code, rule.Remaining, rule.Error.HttpStatus, rule.Error.Code, rule.Error.Subcode);
    }
}
