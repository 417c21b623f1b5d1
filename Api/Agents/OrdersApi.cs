using System.Security.Claims;

namespace KlmSocialPay.Api.Agents;

/// <summary>Agent routes on one order: read it, send its payment link, cancel it.</summary>
public static class OrdersApi
{
    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders/{orderId}").WithTags("Orders");
        orders.MapGet("/", GetOrder).WithName("GetOrder");
        orders.MapPost("/payment-link", RequestPaymentLink).WithName("RequestPaymentLink");
        orders.MapPost("/cancel", CancelOrder).WithName("CancelOrder");
        orders.MapPost("/refunds", RequestRefund).WithName("RequestRefund").Accepts<RefundRequestBody>("application/json");
        return api;
    }

    internal static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetOrder(string orderId, IGrainFactory grains)
    {
        var order = OrderIds.IsOrderId(orderId) ? await grains.GetGrain<IOrderGrain>(orderId).GetSnapshot() : null;
        return order is null ? Problems.NotFound($"Order {orderId} does not exist.") : TypedResults.Ok(OrderResponse.From(order));
    }

    /// <summary>
    /// Creates the Checkout Session and sends its link. Returns 200 with the order in <c>link-sent</c>, or 202
    /// with the order still <c>requested</c> and <c>pendingDelivery</c> set when the platform refused for now
    /// and the outbox retries. Returns 409 when the order's status or a platform rule allows no link, and 502
    /// when Stripe or the platform failed for good; then the order stays <c>requested</c> with the error recorded.
    /// </summary>
    internal static async Task<Results<Ok<OrderResponse>, Accepted<OrderResponse>, ProblemHttpResult>> RequestPaymentLink(
        string orderId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!OrderIds.IsOrderId(orderId))
        {
            return Problems.NotFound($"Order {orderId} does not exist.");
        }

        var order = await grains.GetGrain<IOrderGrain>(orderId).RequestPaymentLink(user.AgentId());
        return order.PendingDelivery is null
            ? TypedResults.Ok(OrderResponse.From(order))
            : TypedResults.Accepted($"/api/orders/{orderId}", OrderResponse.From(order));
    }

    /// <summary>
    /// Asks Stripe for a refund of <c>amount</c> minor units (at most what is left) and returns 202 with the
    /// refund pending: the order moves to <c>partially-refunded</c> or <c>refunded</c> when Stripe's refund
    /// events arrive.
    /// </summary>
    internal static async Task<Results<Accepted<OrderResponse>, ProblemHttpResult, ValidationProblem>> RequestRefund(
        string orderId, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!OrderIds.IsOrderId(orderId))
        {
            return Problems.NotFound($"Order {orderId} does not exist.");
        }

        RefundRequestBody? body;
        try
        {
            body = await request.ReadFromJsonAsync<RefundRequestBody>(StrictJson.Options, request.HttpContext.RequestAborted);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return TypedResults.ValidationProblem(JsonErrors.FromException(ex));
        }
        catch (InvalidOperationException)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["body"] = ["Send the refund as JSON with 'Content-Type: application/json'."] });
        }

        if (body?.Amount is not { } amount || amount <= 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["amount"] = ["The amount is required: a positive integer in minor units of the order's currency."],
            });
        }

        var order = await grains.GetGrain<IOrderGrain>(orderId).RequestRefund(user.AgentId(), amount);
        return TypedResults.Accepted($"/api/orders/{orderId}", OrderResponse.From(order));
    }

    internal static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> CancelOrder(
        string orderId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!OrderIds.IsOrderId(orderId))
        {
            return Problems.NotFound($"Order {orderId} does not exist.");
        }

        var order = await grains.GetGrain<IOrderGrain>(orderId).Cancel(user.AgentId());
        return TypedResults.Ok(OrderResponse.From(order));
    }
}
