using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;
using Orleans.Storage;

namespace KlmSocialPay.Api.Hosting;

/// <summary>
/// Maps the domain's typed errors to problem details: an illegal transition is 409, an unknown order 404,
/// a provider or platform failure 502, and a storage or cluster fault 503 so that webhook senders retry.
/// </summary>
public sealed class DomainExceptionHandler(IProblemDetailsService problems, ILogger<DomainExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail, extensions) = Map(exception);
        if (status is null)
        {
            return false;
        }

        if (status >= 500)
        {
            logger.LogWarning(exception, "{Method} {Path} failed with {StatusCode}: {ExceptionType}",
                context.Request.Method, context.Request.Path.Value, status, exception.GetType().Name);
        }

        context.Response.StatusCode = status.Value;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "5";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = detail,
                Extensions = extensions,
            },
        });
    }

    private static (int? Status, string Title, string Detail, Dictionary<string, object?> Extensions) Map(Exception exception) => exception switch
    {
        IllegalOrderTransitionException e => (StatusCodes.Status409Conflict, "Illegal order transition", e.Message,
            new() { ["orderId"] = e.OrderId, ["orderStatus"] = Kebab(e.From), ["trigger"] = Kebab(e.Trigger) }),
        OrderNotFoundException e => (StatusCodes.Status404NotFound, "Not found", e.Message, new() { ["orderId"] = e.OrderId }),
        ConversationNotFoundException e => (StatusCodes.Status404NotFound, "Not found", e.Message, new() { ["conversation"] = e.ConversationKey }),
        PaymentLinkDeliveryException { Rule: { } rule } e => (StatusCodes.Status409Conflict, "Payment link not allowed", e.Message,
            new() { ["orderId"] = e.OrderId, ["code"] = e.Code, ["rule"] = rule, ["retryable"] = false, ["orderStatus"] = Kebab(OrderStatus.Requested) }),
        PaymentLinkDeliveryException e => (StatusCodes.Status502BadGateway, "Payment link not delivered", e.Message,
            new() { ["orderId"] = e.OrderId, ["code"] = e.Code, ["retryable"] = e.Retryable, ["orderStatus"] = Kebab(OrderStatus.Requested) }),
        LinkDeliveryInProgressException e => (StatusCodes.Status409Conflict, "Delivery in progress", e.Message,
            new() { ["orderId"] = e.OrderId, ["messageId"] = e.MessageId }),
        Grains.Payments.RefundNotAllowedException e => (StatusCodes.Status409Conflict, "Refund not allowed", e.Message, new() { ["orderId"] = e.OrderId }),
        PaymentProviderException e => (StatusCodes.Status502BadGateway, "Payment provider failed", e.Message, new() { ["code"] = e.Code }),
        BadHttpRequestException e => (e.StatusCode, "Bad request", e.Message, new()),
        InconsistentStateException or OrleansException or TimeoutException or SiloUnavailableException or System.Data.Common.DbException =>
            (StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The request could not be stored right now; retry it.", new()),
        _ => (null, "", "", new()),
    };

    private static string Kebab<T>(T value) where T : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
