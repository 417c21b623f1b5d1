using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using static KlmSocialPay.Sandbox.Stripe.StripeParameterReader;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>A request to the Stripe stand-in after authentication and parameter parsing.</summary>
internal sealed record StripeCall(StripeParameters Parameters, string RequestId, string? IdempotencyKey)
{
    public StripeRequestReference Reference => new(RequestId, IdempotencyKey);
}

internal sealed record StripeApiResponse(int StatusCode, string Body)
{
    public static StripeApiResponse Ok(string body) => new(StatusCodes.Status200OK, body);
}

/// <summary>
/// The Stripe API subset under <c>/sandbox/stripe/v1</c>. Stripe.net builds request URLs as ApiBase plus
/// path, so a client configured with ApiBase <c>http://host/sandbox/stripe</c> (no trailing slash) reaches
/// these routes. Every response carries <c>Request-Id</c> and <c>Stripe-Version</c>, as Stripe's do.
/// </summary>
internal sealed class StripeApiEndpoints(
    CheckoutSessionStore sessions,
    StripeEventLog events,
    StripeIdempotencyStore idempotency,
    IOptions<SandboxOptions> options,
    SandboxClock clock)
{
    private static readonly FrozenSet<string> NoParameters = FrozenSet<string>.Empty;
    private static readonly FrozenSet<string> ExpandOnly = FrozenSet.ToFrozenSet(["expand"]);
    private static readonly FrozenSet<string> EventListParameters =
        FrozenSet.ToFrozenSet(["ending_before", "limit", "starting_after", "type", "types"]);
    private static readonly FrozenSet<string> NotSimulatedEventListParameters =
        FrozenSet.ToFrozenSet(["created", "delivery_success", "expand"]);
    private static readonly FrozenSet<string> SessionListParameters =
        FrozenSet.ToFrozenSet(["created", "ending_before", "limit", "payment_intent", "starting_after", "status"]);
    private static readonly FrozenSet<string> NotSimulatedSessionListParameters =
        FrozenSet.ToFrozenSet(["customer", "customer_account", "customer_details", "expand", "payment_link", "subscription"]);

    private string PublicBaseUrl => options.Value.PublicBaseUrl;

    private StripePaymentStore Payments => sessions.Payments;

    public static void Map(IEndpointRouteBuilder sandbox)
    {
        var api = sandbox.MapGroup("/stripe/v1");

        api.MapPost("/checkout/sessions", (HttpContext context, StripeApiEndpoints endpoints) =>
            endpoints.HandleAsync(context, endpoints.CreateSession));
        api.MapGet("/checkout/sessions", (HttpContext context, StripeApiEndpoints endpoints) =>
            endpoints.HandleAsync(context, endpoints.ListSessions));
        api.MapGet("/checkout/sessions/{id}", (HttpContext context, string id, StripeApiEndpoints endpoints) =>
            endpoints.HandleAsync(context, call => endpoints.RetrieveSession(call, id)));
        api.MapPost("/checkout/sessions/{id}/expire", (HttpContext context, string id, StripeApiEndpoints endpoints) =>
            endpoints.HandleAsync(context, call => endpoints.ExpireSession(call, id)));
        api.MapGet("/events", (HttpContext context, StripeApiEndpoints endpoints) =>
            endpoints.HandleAsync(context, endpoints.ListEvents));
        api.MapGet("/events/{id}", (HttpContext context, string id, StripeApiEndpoints endpoints) =>
            endpoints.HandleAsync(context, call => endpoints.RetrieveEvent(call, id)));
        api.MapGet("/payment_intents/{id}", (HttpContext context, string id, StripeApiEndpoints endpoints) =>
            endpoints.HandleAsync(context, call => StripePaymentApi.RetrievePaymentIntent(endpoints.Payments, call, id)));
        api.MapGet("/charges/{id}", (HttpContext context, string id, StripeApiEndpoints endpoints) =>
            endpoints.HandleAsync(context, call => StripePaymentApi.RetrieveCharge(endpoints.Payments, call, id)));
        api.MapPost("/refunds", (HttpContext context, StripeApiEndpoints endpoints) =>
            endpoints.HandleAsync(context, call => StripePaymentApi.CreateRefund(endpoints.Payments, call)));
        api.MapGet("/refunds", (HttpContext context, StripeApiEndpoints endpoints) =>
            endpoints.HandleAsync(context, call => StripePaymentApi.ListRefunds(endpoints.Payments, call)));
        api.MapGet("/refunds/{id}", (HttpContext context, string id, StripeApiEndpoints endpoints) =>
            endpoints.HandleAsync(context, call => StripePaymentApi.RetrieveRefund(endpoints.Payments, call, id)));
        api.Map("/{**path}", (HttpContext context, StripeApiEndpoints endpoints) =>
            endpoints.HandleAsync(context, _ => throw Fail(new StripeApiError(
                StatusCodes.Status404NotFound,
                "invalid_request_error",
                $"Unrecognized request URL ({context.Request.Method}: /v1/{context.GetRouteValue("path")}). The sandbox simulates only Checkout Sessions, PaymentIntents, Charges, Refunds and Events."))));

        StripePaymentControlEndpoints.Map(sandbox);
    }

    /// <summary>Runs one API call: headers, authentication, parameters, idempotency, then the handler.</summary>
    private async Task HandleAsync(HttpContext context, Func<StripeCall, StripeApiResponse> handle)
    {
        var request = context.Request;
        var requestId = SandboxIds.Request();
        var apiVersion = request.Headers["Stripe-Version"].ToString();

        context.Response.Headers["Request-Id"] = requestId;
        context.Response.Headers["Stripe-Version"] = string.IsNullOrWhiteSpace(apiVersion) ? StripeEventJson.ApiVersion : apiVersion;

        if (Authenticate(request) is { } authenticationError)
        {
            await WriteAsync(context, authenticationError.StatusCode, authenticationError.ToJson());
            return;
        }

        var (parameters, parameterError) = await ReadParametersAsync(request, context.RequestAborted);

        if (parameterError is not null)
        {
            await WriteAsync(context, parameterError.StatusCode, parameterError.ToJson());
            return;
        }

        var idempotencyKey = HttpMethods.IsPost(request.Method) ? NullIfEmpty(request.Headers["Idempotency-Key"]) : null;

        if (idempotencyKey is not null)
        {
            context.Response.Headers["Idempotency-Key"] = idempotencyKey;
            var lookup = idempotency.Begin(idempotencyKey, request.Path.Value ?? "", parameters.Fingerprint);

            switch (lookup.Decision)
            {
                case IdempotencyDecision.Replay:
                    context.Response.Headers["Idempotent-Replayed"] = "true";
                    context.Response.Headers["Original-Request"] = lookup.SavedResponse!.RequestId;
                    await WriteAsync(context, lookup.SavedResponse.StatusCode, lookup.SavedResponse.Body);
                    return;
                case IdempotencyDecision.Reject:
                    await WriteAsync(context, lookup.Error!.StatusCode, lookup.Error.ToJson());
                    return;
            }
        }

        StripeApiResponse response;

        try
        {
            response = handle(new StripeCall(parameters, requestId, idempotencyKey));
        }
        catch (StripeRequestException exception)
        {
            // NOTE: Stripe also saves errors raised after validation (such as expiring a completed session)
            // under the key, but the sandbox saves successful results only.
            if (idempotencyKey is not null)
            {
                idempotency.Release(idempotencyKey);
            }

            await WriteAsync(context, exception.Error.StatusCode, exception.Error.ToJson());
            return;
        }

        if (idempotencyKey is not null)
        {
            idempotency.Complete(idempotencyKey, new StripeSavedResponse(response.StatusCode, response.Body, requestId));
        }

        await WriteAsync(context, response.StatusCode, response.Body);
    }

    private StripeApiResponse CreateSession(StripeCall call)
    {
        var now = clock.UtcNow;
        var draft = CheckoutSessionCreateParser.Parse(call.Parameters, now);
        var session = sessions.Create(draft, now);

        return StripeApiResponse.Ok(CheckoutSessionJson.Serialize(session, PublicBaseUrl));
    }

    private StripeApiResponse RetrieveSession(StripeCall call, string id)
    {
        RejectUnexpectedNames(call.Parameters.Names, name => name, NoParameters, ExpandOnly);

        var session = sessions.Find(id) ?? throw Fail(StripeApiError.NoSuchCheckoutSession(id));

        return StripeApiResponse.Ok(CheckoutSessionJson.Serialize(session, PublicBaseUrl));
    }

    private StripeApiResponse ExpireSession(StripeCall call, string id)
    {
        RejectUnexpectedNames(call.Parameters.Names, name => name, NoParameters, ExpandOnly);

        var session = sessions.Expire(id, call.Reference);

        return StripeApiResponse.Ok(CheckoutSessionJson.Serialize(session, PublicBaseUrl));
    }

    private StripeApiResponse RetrieveEvent(StripeCall call, string id)
    {
        RejectUnexpectedNames(call.Parameters.Names, name => name, NoParameters, ExpandOnly);

        var record = events.Find(id) ?? throw Fail(StripeApiError.NoSuchEvent(id));

        return StripeApiResponse.Ok(StripeJson.Write(writer =>
            StripeEventJson.Write(writer, record, events.PendingWebhooks(record.Id))));
    }

    /// <summary>
    /// <c>GET /v1/checkout/sessions</c>: newest first, filtered by <c>status</c>, <c>payment_intent</c> and
    /// <c>created</c>, so that Stripe.net's <c>SessionService.ListAutoPagingAsync</c> can page through them.
    /// </summary>
    private StripeApiResponse ListSessions(StripeCall call)
    {
        var parameters = call.Parameters;
        RejectUnexpectedNames(parameters.Names, name => name, SessionListParameters, NotSimulatedSessionListParameters);

        var status = ReadNonEmptyString(parameters["status"]);

        if (status is not null and not ("open" or "complete" or "expired"))
        {
            throw Fail(StripeApiError.InvalidValue("status", "Invalid status: must be one of complete, expired, or open"));
        }

        var paymentIntentId = ReadNonEmptyString(parameters["payment_intent"]);
        var created = StripeList.ReadCreatedFilter(parameters["created"]);

        var page = StripeList.SelectPage(
            sessions.NewestFirst(_ => true),
            session => session.Id,
            session => (status is null || CheckoutSessionJson.StatusText(session.Status) == status)
                && (paymentIntentId is null || session.PaymentIntentId == paymentIntentId)
                && created(session.Created),
            parameters,
            "checkout.session",
            out var hasMore);

        return StripeList.Respond(page, hasMore, "/v1/checkout/sessions", (writer, session) => CheckoutSessionJson.Write(writer, session, PublicBaseUrl));
    }

    /// <summary><c>GET /v1/events</c>: newest first, filtered by <c>type</c> (with <c>*</c> wildcards) or <c>types</c>.</summary>
    private StripeApiResponse ListEvents(StripeCall call)
    {
        var parameters = call.Parameters;
        RejectUnexpectedNames(parameters.Names, name => name, EventListParameters, NotSimulatedEventListParameters);

        if (parameters["type"] is not null && parameters["types"] is not null)
        {
            throw Fail(StripeApiError.InvalidValue("type", "You may only specify one of these parameters: type, types.", "parameters_exclusive"));
        }

        var typePatterns = parameters["type"] is { } type ? [ReadRequiredString(type, "type")] : ReadStringArray(parameters["types"]);

        var page = StripeList.SelectPage(
            events.NewestFirst(),
            record => record.Id,
            record => typePatterns.Count == 0 || typePatterns.Any(pattern => MatchesTypePattern(record.Type, pattern)),
            parameters,
            "event",
            out var hasMore);

        return StripeList.Respond(page, hasMore, "/v1/events", (writer, record) =>
            StripeEventJson.Write(writer, record, events.PendingWebhooks(record.Id)));
    }

    /// <summary>Matches an event type against a pattern in which each <c>*</c> stands for any text.</summary>
    private static bool MatchesTypePattern(string type, string pattern)
    {
        var parts = pattern.Split('*');

        if (parts.Length == 1)
        {
            return type == pattern;
        }

        if (!type.StartsWith(parts[0], StringComparison.Ordinal) || !type.EndsWith(parts[^1], StringComparison.Ordinal))
        {
            return false;
        }

        var position = parts[0].Length;

        for (var index = 1; index < parts.Length - 1; index++)
        {
            var found = type.IndexOf(parts[index], position, StringComparison.Ordinal);

            if (found < 0)
            {
                return false;
            }

            position = found + parts[index].Length;
        }

        return position <= type.Length - parts[^1].Length;
    }

    /// <summary>Accepts the configured secret key as a Bearer token, or as the user name of Basic auth (curl -u).</summary>
    private StripeApiError? Authenticate(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        string? apiKey = null;

        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            apiKey = authorization["Bearer ".Length..].Trim();
        }
        else if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            apiKey = DecodeBasicUser(authorization["Basic ".Length..].Trim());
        }

        if (string.IsNullOrEmpty(apiKey))
        {
            return StripeApiError.MissingApiKey();
        }

        var expected = Encoding.UTF8.GetBytes(options.Value.Stripe.SecretKey);

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(apiKey), expected)
            ? null
            : StripeApiError.InvalidApiKey();
    }

    private static string? DecodeBasicUser(string encoded)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? decoded : decoded[..colon];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Reads the form body of a POST, or the query string of any other method.</summary>
    private static async Task<(StripeParameters Parameters, StripeApiError? Error)> ReadParametersAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        IEnumerable<KeyValuePair<string, StringValues>> pairs = request.Query;

        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            pairs = await request.ReadFormAsync(cancellationToken);
        }
        else if (HttpMethods.IsPost(request.Method) && request.ContentLength > 0)
        {
            var error = StripeApiError.InvalidValue(
                "body",
                $"Invalid request: the body must be application/x-www-form-urlencoded, not {request.ContentType}.");
            return (StripeParameters.Parse([], out _), error);
        }

        var parameters = StripeParameters.Parse(pairs, out var parseError);
        return (parameters, parseError);
    }

    private static string? NullIfEmpty(StringValues values)
    {
        var value = values.ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    private static Task WriteAsync(HttpContext context, int statusCode, string body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body, StripeJson.Encoding, context.RequestAborted);
    }
}
