using KlmSocialPay.Grains.Telemetry;

namespace KlmSocialPay.Api.Webhooks;

/// <summary>
/// Counts each webhook delivery by source and outcome (<c>klmsocialpay.webhooks.received</c>). The outcome
/// follows the status code unless the handler named a finer one with <see cref="SetOutcome"/>.
/// </summary>
public sealed class WebhookMetricsFilter(WebhookSource source) : IEndpointFilter
{
    private const string OutcomeKey = "klmsocialpay.webhook.outcome";

    /// <summary>Names the outcome of this delivery, such as a duplicate, or a signature failure returned as 400.</summary>
    public static void SetOutcome(HttpContext context, WebhookOutcome outcome) => context.Items[OutcomeKey] = outcome;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            ProductMetrics.RecordWebhookReceived(source, WebhookOutcome.Error);
            throw;
        }

        var http = context.HttpContext;
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        var status = (inner as IStatusCodeHttpResult)?.StatusCode ?? http.Response.StatusCode;
        var outcome = http.Items.TryGetValue(OutcomeKey, out var named) && named is WebhookOutcome chosen
            ? chosen
            : status switch
            {
                StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => WebhookOutcome.InvalidSignature,
                StatusCodes.Status404NotFound => WebhookOutcome.Unmatched,
                >= 400 and < 500 => WebhookOutcome.Malformed,
                >= 500 => WebhookOutcome.Error,
                _ => WebhookOutcome.Accepted,
            };
        ProductMetrics.RecordWebhookReceived(source, outcome);
        return result;
    }
}
