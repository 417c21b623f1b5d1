using System.Security.Claims;
using System.Text.Json;

namespace KlmSocialPay.Api.Agents;

/// <summary>Agent routes on conversations: read one, and create an order in it.</summary>
public static class ConversationsApi
{

    public static RouteGroupBuilder MapConversationsApi(this RouteGroupBuilder api)
    {
        var conversations = api.MapGroup("/conversations/{channel}/{customerId}").WithTags("Conversations");
        conversations.MapGet("/", GetConversation).WithName("GetConversation");
        conversations.MapPost("/orders", CreateOrder).WithName("CreateOrder").Accepts<CreateOrderRequest>("application/json");
        return api;
    }

    internal static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult, ValidationProblem>> GetConversation(
        string channel, string customerId, IGrainFactory grains)
    {
        if (ParseKey(channel, customerId, out var errors) is not { } key)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var conversation = await grains.GetGrain<IConversationGrain>(key.ToString()).GetSnapshot();
        if (conversation is null)
        {
            return Problems.NotFound($"No customer has written in conversation {key}.");
        }

        var orders = await Task.WhenAll(conversation.OrderIds.Select(id => grains.GetGrain<IOrderGrain>(id).GetSnapshot()));
        return TypedResults.Ok(new ConversationResponse(
            ConversationKey.ChannelName(key.Channel),
            key.CustomerId,
            conversation.Language,
            conversation.FirstMessageAt,
            conversation.LastInboundAt,
            [.. conversation.Messages.Select(MessageResponse.From)],
            [.. orders.OfType<OrderSnapshot>().Select(OrderResponse.From)]));
    }

    internal static async Task<Results<Created<OrderResponse>, ProblemHttpResult, ValidationProblem>> CreateOrder(
        string channel, string customerId, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, ILoggerFactory loggers)
    {
        if (ParseKey(channel, customerId, out var keyErrors) is not { } key)
        {
            return TypedResults.ValidationProblem(keyErrors);
        }

        CreateOrderRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<CreateOrderRequest>(StrictJson.Options, request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            return TypedResults.ValidationProblem(JsonErrors.FromException(ex));
        }
        catch (InvalidOperationException)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["body"] = ["Send the order as JSON with 'Content-Type: application/json'."] });
        }

        if (body is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The order is required."] });
        }

        if (CreateOrderValidator.Validate(body, out var errors) is not { } newOrder)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var order = await grains.GetGrain<IConversationGrain>(key.ToString()).CreateOrder(newOrder, user.AgentId());
            return TypedResults.Created($"/api/orders/{order.Id}", OrderResponse.From(order));
        }
        catch (ConversationNotFoundException)
        {
            loggers.CreateLogger(typeof(ConversationsApi)).LogInformation(
                "Order refused: no customer has written in {ConversationKey}", key.ToString());
            return Problems.NotFound($"No customer has written in conversation {key}, so no order can be created there.");
        }
    }

    private static ConversationKey? ParseKey(string channel, string customerId, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (!ConversationKey.TryParseChannel(channel, out var parsed))
        {
            errors["channel"] = [$"'{channel}' is not a channel; use messenger, x or whatsapp."];
        }

        if (!ConversationKey.IsValidCustomerId(customerId))
        {
            errors["customerId"] = ["The customer id is 1 to 64 letters, digits, '-' or '_'."];
        }

        return errors.Count == 0 ? new ConversationKey(parsed, customerId) : null;
    }
}
