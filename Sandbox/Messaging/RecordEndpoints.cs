using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace KlmSocialPay.Sandbox.Messaging;

/// <summary>
/// The sandbox's own views of a channel stand-in, shared by all channels: <c>GET messages</c> lists what the
/// product sent, <c>GET failures</c> lists the injected failure rules, and <c>DELETE failures</c> removes the rule of one recipient or all rules.
/// Adding a rule stays with each channel, because the failures it can inject differ.
/// </summary>
internal static class RecordEndpoints
{
    /// <summary>
    /// Maps the three routes on <paramref name="channel"/>. <paramref name="conversations"/> and
    /// <paramref name="failures"/> select the parts of the channel's store, and <paramref name="view"/> is the
    /// JSON shape of one rule.
    /// </summary>
    public static void Map<TStore, TOutbound, TInbound, TRule, TView>(
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
}
