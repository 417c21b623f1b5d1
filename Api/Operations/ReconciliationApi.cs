using KlmSocialPay.Grains.Reconciliation;

namespace KlmSocialPay.Api.Operations;

/// <summary>
/// <c>POST /api/operations/reconciliation</c> compares orders and Stripe's Checkout Sessions for a time range;
/// <c>GET /api/operations/reconciliation/latest</c> returns the last report (the daily job's or a manual one).
/// </summary>
public static class ReconciliationApi
{
    /// <summary>The provider whose sessions are reconciled; the key of the reconciliation grain.</summary>
    public const string Provider = "stripe";

    public static RouteGroupBuilder MapReconciliationApi(this RouteGroupBuilder operations)
    {
        var reconciliation = operations.MapGroup("/reconciliation").WithTags("Operations");
        reconciliation.MapPost("/", Run).WithName("RunReconciliation");
        reconciliation.MapGet("/latest", GetLatest).WithName("GetLatestReconciliation");
        return operations;
    }

    /// <summary>The range to reconcile: ISO 8601 instants, <c>from</c> inclusive, <c>to</c> exclusive, at most 31 days apart.</summary>
    public sealed record ReconciliationRequest(DateTimeOffset? From, DateTimeOffset? To);

    internal static async Task<Results<Ok<ReconciliationReport>, ValidationProblem>> Run(HttpRequest request, IGrainFactory grains)
    {
        ReconciliationRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<ReconciliationRequest>(request.HttpContext.RequestAborted);
        }
        catch (System.Text.Json.JsonException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send { \"from\", \"to\" } as JSON instants, e.g. \"2026-12-01T00:00:00Z\"."] });
        }
        catch (InvalidOperationException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send the range as JSON with 'Content-Type: application/json'."] });
        }

        var errors = new Dictionary<string, string[]>();
        if (body?.From is null)
        {
            errors["from"] = ["'from' is required."];
        }

        if (body?.To is null)
        {
            errors["to"] = ["'to' is required."];
        }
        else if (body.From is { } from && (body.To <= from || body.To - from > TimeSpan.FromDays(31)))
        {
            errors["to"] = ["'to' must be after 'from' and at most 31 days later."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await grains.GetGrain<IReconciliationGrain>(Provider).Run(body!.From!.Value, body.To!.Value));
    }

    internal static async Task<Results<Ok<ReconciliationReport>, ProblemHttpResult>> GetLatest(IGrainFactory grains) =>
        await grains.GetGrain<IReconciliationGrain>(Provider).GetLatest() is { } report
            ? TypedResults.Ok(report)
            : Problems.NotFound("No reconciliation has run yet.");
}
