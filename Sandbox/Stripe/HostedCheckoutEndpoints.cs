using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// The customer's side of Checkout: <c>GET /sandbox/stripe/pay/{id}</c> shows the page, and
/// <c>POST /sandbox/stripe/pay/{id}</c> acts on it, either from the page's form (fields <c>method</c> and
/// <c>action</c>) or from a script with a JSON body such as <c>{"method":"card"}</c>.
/// </summary>
internal sealed class HostedCheckoutEndpoints(CheckoutSessionStore sessions, IOptions<SandboxOptions> options)
{
    public const string ActionPay = "pay";
    public const string ActionCancel = "cancel";
    public const string ActionSettle = "settle";
    public const string ActionFail = "fail";

    public static void Map(IEndpointRouteBuilder sandbox)
    {
        sandbox.MapGet("/stripe/pay/{id}", (string id, string? cancelled, HostedCheckoutEndpoints endpoints) =>
            endpoints.ShowPage(id, cancelled == "true"));
        sandbox.MapPost("/stripe/pay/{id}", (HttpContext context, string id, HostedCheckoutEndpoints endpoints) =>
            endpoints.ActAsync(context, id));
        sandbox.MapGet("/stripe/done", (string? session_id, HostedCheckoutEndpoints endpoints) =>
            endpoints.ShowDonePage(session_id));
        sandbox.MapGet("/stripe/deliveries", (WebhookDeliveryLog deliveries) =>
            Results.Json(deliveries.NewestFirst(), SandboxJson.Options));
    }

    private IResult ShowPage(string id, bool cancelled)
    {
        if (sessions.Find(id) is not { } session)
        {
            return Html(StatusCodes.Status404NotFound, HostedCheckoutPage.RenderNotFound(id));
        }

        var notice = cancelled && session.IsOpen
            ? "You cancelled the payment. The session stays open until it expires, so you can still pay it."
            : null;

        return Html(StatusCodes.Status200OK, HostedCheckoutPage.Render(session, notice, noticeIsError: false));
    }

    /// <summary>
    /// A landing page for <c>success_url</c> and <c>cancel_url</c> when the product has none of its own, such as
    /// <c>/sandbox/stripe/done?session_id={CHECKOUT_SESSION_ID}</c>.
    /// </summary>
    private IResult ShowDonePage(string? sessionId)
    {
        var session = sessionId is null ? null : sessions.Find(sessionId);
        var notice = session is null
            ? "The checkout page is closed. You can return to the conversation."
            : $"The checkout page is closed. Checkout Session {session.Id} is {CheckoutSessionJson.StatusText(session.Status)} and {session.PaymentStatus}. You can return to the conversation.";

        return Html(StatusCodes.Status200OK, Pages.HtmlLayout.Render("Checkout", $"<h1>Checkout</h1>\n<div class=\"notice\">{Pages.HtmlLayout.Encode(notice)}</div>"));
    }

    private async Task<IResult> ActAsync(HttpContext context, string id)
    {
        if (context.Request.HasJsonContentType())
        {
            return await ActFromScriptAsync(context, id);
        }

        if (!context.Request.HasFormContentType)
        {
            return SandboxProblems.Invalid("body", "Send the page's form (application/x-www-form-urlencoded) or a JSON body such as {\"method\":\"card\"}.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var action = form["action"].ToString();
        var result = Perform(id, action, form["method"].ToString());

        if (result.Failure != CheckoutActionFailure.None)
        {
            return result.Session is null
                ? Html(StatusCodes.Status404NotFound, HostedCheckoutPage.RenderNotFound(id))
                : Html(StatusCodeOf(result.Failure), HostedCheckoutPage.Render(result.Session, result.Message, noticeIsError: true));
        }

        var session = result.Session!;
        var pageUrl = $"/sandbox/stripe/pay/{Uri.EscapeDataString(id)}";

        return action switch
        {
            ActionPay when session.Parameters.SuccessUrl is { } successUrl =>
                Results.Redirect(successUrl.Replace("{CHECKOUT_SESSION_ID}", session.Id, StringComparison.Ordinal), preserveMethod: false),
            ActionCancel => Results.Redirect(session.Parameters.CancelUrl ?? pageUrl + "?cancelled=true"),
            _ => Results.Redirect(pageUrl),
        };
    }

    private async Task<IResult> ActFromScriptAsync(HttpContext context, string id)
    {
        HostedCheckoutCommand? command;

        try
        {
            command = await context.Request.ReadFromJsonAsync<HostedCheckoutCommand>(SandboxJson.Options, context.RequestAborted);
        }
        catch (JsonException exception)
        {
            return SandboxProblems.Invalid("body", $"The body is not valid JSON: {exception.Message}");
        }

        var action = command?.Action ?? ActionPay;
        var result = Perform(id, action, command?.Method ?? "");

        return result.Failure switch
        {
            CheckoutActionFailure.None => Results.Text(
                CheckoutSessionJson.Serialize(result.Session!, options.Value.PublicBaseUrl), "application/json", StripeJson.Encoding),
            CheckoutActionFailure.NotFound => SandboxProblems.NotFound(result.Message!),
            CheckoutActionFailure.InvalidMethod => SandboxProblems.Invalid("method", result.Message!),
            CheckoutActionFailure.InvalidAction => SandboxProblems.Invalid("action", result.Message!),
            _ => SandboxProblems.Conflict(result.Message!),
        };
    }

    private CheckoutActionResult Perform(string id, string action, string method)
    {
        switch (action)
        {
            case ActionPay:
                return sessions.Submit(id, method);

            case ActionSettle or ActionFail:
                return sessions.FinishDelayedPayment(id, succeeded: action == ActionSettle);

            case ActionCancel:
                // Leaving the page does not change a Stripe session. It only sends the customer to cancel_url.
                var session = sessions.Find(id);

                return session switch
                {
                    null => CheckoutActionResult.Fail(null, CheckoutActionFailure.NotFound, $"No Checkout Session {id} exists."),
                    { IsOpen: false } => CheckoutActionResult.Fail(session, CheckoutActionFailure.NotOpen, CheckoutSessionStore.NotOpenMessage(session)),
                    _ => CheckoutActionResult.Success(session),
                };

            default:
                return CheckoutActionResult.Fail(
                    sessions.Find(id),
                    CheckoutActionFailure.InvalidAction,
                    $"Unknown action '{action}'; use {ActionPay}, {ActionCancel}, {ActionSettle} or {ActionFail}.");
        }
    }

    private static int StatusCodeOf(CheckoutActionFailure failure) => failure switch
    {
        CheckoutActionFailure.NotFound => StatusCodes.Status404NotFound,
        CheckoutActionFailure.InvalidMethod or CheckoutActionFailure.InvalidAction => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status409Conflict,
    };

    private static IResult Html(int statusCode, string html) =>
        Results.Content(html, "text/html; charset=utf-8", statusCode: statusCode);

    /// <summary>The JSON body of a scripted checkout action. <see cref="Action"/> defaults to <c>pay</c>.</summary>
    private sealed record HostedCheckoutCommand(string? Method, string? Action);
}
