using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Sandbox.Meta;
using KlmSocialPay.Sandbox.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>
/// The business side of the Cloud API under <c>/sandbox/whatsapp</c>: the send endpoint
/// (<c>POST /{version}/{phone-number-id}/messages</c>), the record of what was sent, and failure injection.
/// An accepted send gets the Cloud API's response, followed by <c>sent</c> and <c>delivered</c> status webhooks.
/// </summary>
internal sealed class WhatsAppSendEndpoints(
    WhatsAppStore store,
    WhatsAppStatusQueue statuses,
    IOptions<SandboxOptions> options,
    SandboxClock clock,
    ILogger<WhatsAppSendEndpoints> logger)
{
    /// <summary>Free-form messages are allowed this long after the customer's last message (the customer service window).</summary>
    public static readonly TimeSpan CustomerServiceWindow = TimeSpan.FromHours(24);

    /// <summary>Failure injection code that makes the send get no response at all.</summary>
    public const string NoAnswerCode = "timeout";

    private WhatsAppSandboxOptions Settings => options.Value.WhatsApp;

    public static void Map(IEndpointRouteBuilder sandbox)
    {
        var whatsapp = sandbox.MapGroup("/whatsapp");

        whatsapp.MapPost("/{version}/{phoneNumberId}/messages", (HttpContext context, string version, string phoneNumberId, WhatsAppSendEndpoints endpoints) =>
            endpoints.SendAsync(context, version, phoneNumberId));

        whatsapp.MapPost("/failures", async (HttpContext context, WhatsAppSendEndpoints endpoints) =>
        {
            var (request, problem) = await SandboxRequestBody.ReadJsonAsync<FailureRuleRequest>(context.Request);
            return problem ?? endpoints.AddFailureRule(request!);
        });
        RecordEndpoints.MapOutbound(whatsapp, (WhatsAppStore store) => store.Conversations, store => store.Failures, FailureRuleView.From);
    }

    private async Task<IResult> SendAsync(HttpContext context, string version, string phoneNumberId)
    {
        var traceId = SandboxIds.FacebookTrace();

        try
        {
            Authorize(context.Request, version, phoneNumberId);
            var body = await ReadBodyAsync(context.Request, context.RequestAborted);
            var request = WhatsAppSendRequestParser.Parse(body);

            if (CheckRecipient(request) is { Error: null } noAnswer)
            {
                return await HoldWithoutAnswerAsync(context, noAnswer);
            }

            var message = new WhatsAppOutboundMessage(
                WhatsAppIds.Message(), request.WaId, request.Type, request.Content, request.CallbackData, clock.UtcNow, "accepted", []);
            store.Conversations.RecordOutbound(message);

            var delay = Settings.StatusDelay;
            var now = clock.RealUtcNow;
            statuses.Schedule(new WhatsAppPendingStatus(message.Id, "sent", now + delay));
            statuses.Schedule(new WhatsAppPendingStatus(message.Id, "delivered", now + delay + delay));

            logger.LogInformation("WhatsApp sandbox accepted {MessageType} message {MessageId} to {RecipientId}", request.Type, message.Id, request.WaId);

            var response = new JsonObject
            {
                ["messaging_product"] = "whatsapp",
                ["contacts"] = new JsonArray(new JsonObject { ["input"] = request.To, ["wa_id"] = request.WaId }),
                ["messages"] = new JsonArray(new JsonObject { ["id"] = message.Id }),
            };
            return MetaGraphHttp.Json(StatusCodes.Status200OK, MetaJson.Serialize(response), traceId);
        }
        catch (WhatsAppGraphException exception)
        {
            var error = exception.Error;
            logger.LogInformation("WhatsApp sandbox rejected a send with code {ErrorCode} (HTTP {StatusCode})", error.Code, error.HttpStatus);
            return MetaGraphHttp.Error(context, error.HttpStatus, error.Code, error.Message, error.ToJson(traceId), traceId);
        }
    }

    /// <summary>Checks the version segment, the token and the phone number id, in that order.</summary>
    private void Authorize(HttpRequest request, string version, string phoneNumberId)
    {
        if (!MetaGraphHttp.IsVersion(version))
        {
            throw new WhatsAppGraphException(WhatsAppGraphError.UnknownVersion(version));
        }

        var authorization = request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : request.Query["access_token"].ToString();

        if (string.IsNullOrEmpty(token))
        {
            throw new WhatsAppGraphException(WhatsAppGraphError.MissingToken());
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(Settings.AccessToken)))
        {
            throw new WhatsAppGraphException(WhatsAppGraphError.InvalidToken());
        }

        if (phoneNumberId != Settings.PhoneNumberId)
        {
            throw new WhatsAppGraphException(WhatsAppGraphError.UnknownPhoneNumber(phoneNumberId));
        }
    }

    /// <summary>
    /// Applies the rules that depend on the recipient: known wa_id, injected failures, then the customer
    /// service window measured on the sandbox clock. Returns an injected no-answer rule, else null.
    /// </summary>
    private WhatsAppFailureRule? CheckRecipient(WhatsAppSendRequest request)
    {
        var lastMessageAt = store.Conversations.LastCustomerMessageAt(request.WaId);

        if (lastMessageAt is null && Settings.RequireKnownRecipient)
        {
            throw new WhatsAppGraphException(WhatsAppGraphError.ReEngagement());
        }

        if (store.Failures.Take(request.WaId) is { } injected)
        {
            return injected.Error is null ? injected : throw new WhatsAppGraphException(injected.Error);
        }

        // NOTE: the Cloud API often accepts such a send and reports 131047 later in a "failed" status webhook.
        // The sandbox rejects it at once, which is the other way Meta reports it.
        if (lastMessageAt is { } last && clock.UtcNow - last > CustomerServiceWindow)
        {
            throw new WhatsAppGraphException(WhatsAppGraphError.ReEngagement());
        }

        return null;
    }

    /// <summary>Keeps the request open without a response until the client gives up or the hold ends, then drops the connection.</summary>
    private async Task<IResult> HoldWithoutAnswerAsync(HttpContext context, WhatsAppFailureRule rule)
    {
        logger.LogInformation("WhatsApp sandbox holds a send to {RecipientId} without responding", rule.RecipientId);

        try
        {
            await Task.Delay(Settings.NoAnswerHold, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return Results.Empty;
        }

        context.Abort();
        return Results.Empty;
    }

    private IResult AddFailureRule(FailureRuleRequest request)
    {
        if (!MetaIds.IsNumericId(request.RecipientId))
        {
            return SandboxProblems.Invalid("recipientId", "recipientId must be a wa_id of 1 to 20 digits.");
        }

        if (FailureRuleRequests.ReadCount(request.Count, out var count) is { } countProblem)
        {
            return countProblem;
        }

        var code = request.Code is { ValueKind: JsonValueKind.Number or JsonValueKind.String } value ? value.ToString() : null;
        if (code is null || !InjectableFailures.TryGetValue(code, out var error))
        {
            return SandboxProblems.Invalid("code", $"code must be one of {string.Join(", ", InjectableFailures.Keys)}, got {request.Code?.ToString() ?? "nothing"}.");
        }

        var rule = new WhatsAppFailureRule(request.RecipientId!, code, count, error);
        store.Failures.Add(rule);

        logger.LogInformation("WhatsApp sandbox will fail the next {Count} sends to {RecipientId} with code {ErrorCode}", count, rule.RecipientId, code);
        return Results.Json(FailureRuleView.From(rule), SandboxJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>
    /// The failures a test or a person can inject, by code: Cloud API error codes, 500 for an internal
    /// Graph error, and <c>timeout</c> for a send that gets no response (a null error).
    /// </summary>
    private static readonly IReadOnlyDictionary<string, WhatsAppGraphError?> InjectableFailures = new Dictionary<string, WhatsAppGraphError?>
    {
        ["131047"] = WhatsAppGraphError.ReEngagement(),
        ["131026"] = WhatsAppGraphError.Undeliverable(),
        ["131051"] = WhatsAppGraphError.UnsupportedMessageType(),
        ["130429"] = WhatsAppGraphError.ThroughputLimit(),
        ["131056"] = WhatsAppGraphError.PairRateLimit(),
        ["80007"] = WhatsAppGraphError.AccountRateLimit(),
        ["4"] = WhatsAppGraphError.AppCallLimit(),
        ["131000"] = WhatsAppGraphError.SomethingWentWrong(),
        ["131016"] = WhatsAppGraphError.ServiceUnavailable(),
        ["190"] = WhatsAppGraphError.ExpiredToken(),
        ["500"] = WhatsAppGraphError.InternalError(),
        [NoAnswerCode] = null,
    };

    private static async Task<JsonObject> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            throw new WhatsAppGraphException(WhatsAppGraphError.InvalidParameter("Send the message as JSON with Content-Type: application/json."));
        }

        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken) as JsonObject
                ?? throw new WhatsAppGraphException(WhatsAppGraphError.InvalidParameter("The request body must be a JSON object."));
        }
        catch (JsonException)
        {
            throw new WhatsAppGraphException(WhatsAppGraphError.InvalidParameter("The request body is not valid JSON."));
        }
    }

    /// <summary>Body of <c>POST /sandbox/whatsapp/failures</c>. <see cref="Code"/> is a number such as 131047, or "timeout".</summary>
    internal sealed record FailureRuleRequest(string? RecipientId, JsonElement? Code, int? Count);

    internal sealed record FailureRuleView(string RecipientId, string Code, int Remaining, int? HttpStatus, int? ErrorCode)
    {
        public static FailureRuleView From(WhatsAppFailureRule rule) =>
            new(rule.RecipientId, rule.Code, rule.Remaining, rule.Error?.HttpStatus, rule.Error?.Code);
    }
}
