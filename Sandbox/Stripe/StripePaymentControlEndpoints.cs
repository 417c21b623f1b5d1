using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// Sandbox controls for what Stripe's customers and card networks do, which no API call can cause: a refund
/// that fails at the bank, and a dispute that opens and closes. They return problem+json on bad input.
/// </summary>
internal static class StripePaymentControlEndpoints
{
    /// <summary>Dispute reasons from the Stripe.net 53.1.0 documentation of <c>Dispute.Reason</c>.</summary>
    private static readonly FrozenSet<string> DisputeReasons = FrozenSet.ToFrozenSet(
    [
        "bank_cannot_process", "check_returned", "credit_not_processed", "customer_initiated", "debit_not_authorized",
        "duplicate", "fraudulent", "general", "incorrect_account_details", "insufficient_funds", "noncompliant",
        "product_not_received", "product_unacceptable", "subscription_canceled", "unrecognized",
    ]);

    public static void Map(IEndpointRouteBuilder sandbox)
    {
        sandbox.MapPost("/stripe/refunds/fail-next", (HttpRequest request, CheckoutSessionStore sessions) =>
            FailNextRefundAsync(request, sessions.Payments));
        sandbox.MapPost("/stripe/disputes", (HttpRequest request, CheckoutSessionStore sessions) =>
            OpenDisputeAsync(request, sessions.Payments));
        sandbox.MapPost("/stripe/disputes/{id}/close", (HttpRequest request, string id, CheckoutSessionStore sessions) =>
            CloseDisputeAsync(request, id, sessions.Payments));
    }

    /// <summary><c>{"paymentIntent":"pi_…"}</c>: the next refund of that payment goes pending, then fails.</summary>
    private static async Task<IResult> FailNextRefundAsync(HttpRequest request, StripePaymentStore payments)
    {
        var (command, problem) = await SandboxRequestBody.ReadJsonAsync<PaymentIntentCommand>(request);

        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(command!.PaymentIntent))
        {
            return SandboxProblems.Invalid("paymentIntent", "paymentIntent is required: the id (pi_…) of a paid PaymentIntent.");
        }

        if (!payments.ArmRefundFailure(command.PaymentIntent))
        {
            return SandboxProblems.NotFound($"No PaymentIntent {command.PaymentIntent} exists.");
        }

        return Results.Json(new { command.PaymentIntent, FailureReason = RefundJson.InjectedFailureReason }, SandboxJson.Options);
    }

    /// <summary><c>{"paymentIntent":"pi_…","reason":"fraudulent"}</c>: opens a dispute and returns it in Stripe's shape.</summary>
    private static async Task<IResult> OpenDisputeAsync(HttpRequest request, StripePaymentStore payments)
    {
        var (command, problem) = await SandboxRequestBody.ReadJsonAsync<PaymentIntentCommand>(request);

        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(command!.PaymentIntent))
        {
            return SandboxProblems.Invalid("paymentIntent", "paymentIntent is required: the id (pi_…) of a paid PaymentIntent.");
        }

        var reason = command.Reason ?? "general";

        if (!DisputeReasons.Contains(reason))
        {
            return SandboxProblems.Invalid("reason", $"Unknown dispute reason '{reason}'; use one of {string.Join(", ", DisputeReasons.Order(StringComparer.Ordinal))}.");
        }

        return Respond(payments.OpenDispute(command.PaymentIntent, reason));
    }

    /// <summary><c>{"status":"won"}</c> or <c>{"status":"lost"}</c>: closes an open dispute.</summary>
    private static async Task<IResult> CloseDisputeAsync(HttpRequest request, string id, StripePaymentStore payments)
    {
        var (command, problem) = await SandboxRequestBody.ReadJsonAsync<CloseDisputeCommand>(request);

        if (problem is not null)
        {
            return problem;
        }

        DisputeStatus? outcome = command!.Status switch
        {
            "won" => DisputeStatus.Won,
            "lost" => DisputeStatus.Lost,
            _ => null,
        };

        if (outcome is null)
        {
            return SandboxProblems.Invalid("status", $"Invalid status '{command.Status}'; use won or lost.");
        }

        return Respond(payments.CloseDispute(id, outcome.Value));
    }

    private static IResult Respond(PaymentActionResult<DisputeState> result) => result.Failure switch
    {
        PaymentActionFailure.None => Results.Text(DisputeJson.Serialize(result.Value!), "application/json", StripeJson.Encoding),
        PaymentActionFailure.NotFound => SandboxProblems.NotFound(result.Message!),
        _ => SandboxProblems.Conflict(result.Message!),
    };

    private sealed record PaymentIntentCommand(string? PaymentIntent, string? Reason);

    private sealed record CloseDisputeCommand(string? Status);
}
