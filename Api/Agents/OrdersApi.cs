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
        return api;
    }

    internal static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetOrder(string orderId, IGrainFactory grains)
    {
        var order = OrderIds.IsOrderId(orderId) ? await grains.GetGrain<IOrderGrain>(orderId).GetSnapshot() : null;
        return order is null ? Problems.NotFound($"Order {orderId} does not exist.") : TypedResults.Ok(OrderResponse.From(order));
    }

    /// <summary>
    /// Creates the Checkout Session and sends its link. Answers 200 with the order in <c>link-sent</c>, or 202
    /// with the order still <c>requested</c> and <c>pendingDelivery</c> set when the platform refused for now
    /// and the outbox retries. Answers 409 when the order's status or a platform rule allows no link, and 502
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
