using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace KlmSocialPay.Sandbox.Messaging;

/// <summary>
/// The sandbox's own routes of a channel stand-in that every channel shares: the customer page, and the
/// lists of customers, their messages, what the product sent, and the injected failure rules. Adding a rule
/// stays with each channel, because the failures it can inject differ.
/// </summary>
internal static class RecordEndpoints
{
    /// <summary>
    /// Maps <c>GET messages</c> (what the product sent), <c>GET failures</c> (the injected failure rules) and
    /// <c>DELETE failures</c> (the rule of one recipient, or all rules) on <paramref name="channel"/>. <paramref name="conversations"/> and
    /// <paramref name="failures"/> select the parts of the channel's store, and <paramref name="view"/> is the
    /// JSON shape of one rule.
    /// </summary>
    public static void MapOutbound<TStore, TOutbound, TInbound, TRule, TView>(
        IEndpointRouteBuilder channel,
        Func<TStore, ConversationLog<TOutbound, TInbound>> conversations,
        Func<TStore, InjectedFailureRules<TRule>> failures,
        Func<TRule, TView> view)
        where TStore : class
        where TOutbound : class, IOutboundRecord
        where TInbound : class, IInboundRecord<TInbound>
        where TRule : class, IFailureRule<TRule>
    {
        // The store comes from the request's services, because the route-handler analyzer of the .NET 10.0.401
        // SDK crashes (AD0001) on a handler parameter whose type is a type parameter.
        channel.MapGet("/messages", (string? recipientId, HttpContext context) =>
            Results.Json(conversations(Store(context)).Outbound(recipientId), SandboxJson.Options));

        channel.MapGet("/failures", (HttpContext context) =>
            Results.Json(failures(Store(context)).All().Select(view), SandboxJson.Options));

        channel.MapDelete("/failures", (string? recipientId, HttpContext context) =>
        {
            failures(Store(context)).Clear(recipientId);
            return Results.NoContent();
        });

        static TStore Store(HttpContext context) => context.RequestServices.GetRequiredService<TStore>();
    }

    /// <summary>
    /// Maps <c>GET</c> (the customer page that <paramref name="renderPage"/> renders), <c>GET customers</c>
    /// (every customer who wrote or was written to) and <c>GET customers/{customerId}/messages</c> (what the
    /// customer sent) on <paramref name="channel"/>.
    /// </summary>
    public static void MapCustomers<TStore, TOutbound, TInbound>(
        IEndpointRouteBuilder channel,
        Func<string> renderPage,
        Func<TStore, ConversationLog<TOutbound, TInbound>> conversations)
        where TStore : class
        where TOutbound : class, IOutboundRecord
        where TInbound : class, IInboundRecord<TInbound>
    {
        channel.MapGet("", () => Results.Content(renderPage(), "text/html; charset=utf-8"));

        channel.MapGet("/customers", (HttpContext context) =>
            Results.Json(conversations(Store(context)).KnownCustomerIds(), SandboxJson.Options));

        channel.MapGet("/customers/{customerId}/messages", (string customerId, HttpContext context) =>
            Results.Json(conversations(Store(context)).Inbound(customerId), SandboxJson.Options));

        static TStore Store(HttpContext context) => context.RequestServices.GetRequiredService<TStore>();
    }
}
