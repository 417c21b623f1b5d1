using System.Security.Claims;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Json;

namespace KlmSocialPay.Api.Agents;

/// <summary>The calling agent's notifications: a list, and a live Server-Sent Events stream.</summary>
public static class NotificationsApi
{
    /// <summary>How often an open stream renews its subscription; the agent grain drops listeners after two minutes.</summary>
    private static readonly TimeSpan RenewalInterval = TimeSpan.FromSeconds(30);

    public static RouteGroupBuilder MapNotificationsApi(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/agents/me").WithTags("Notifications");
        me.MapGet("/notifications", GetNotifications).WithName("GetNotifications");
        me.MapGet("/events", StreamEvents).WithName("StreamNotifications").Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return api;
    }

    internal static async Task<Results<Ok<IReadOnlyList<NotificationResponse>>, ValidationProblem>> GetNotifications(
        ClaimsPrincipal user, IGrainFactory grains, string? after)
    {
        long afterSequence = 0;
        if (after is not null && (!long.TryParse(after, out afterSequence) || afterSequence < 0))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["after"] = [$"'after' is a sequence number of 0 or more; got '{after}'."] });
        }

        var notifications = await grains.GetGrain<IAgentGrain>(user.AgentId()).GetNotifications(afterSequence);
        return TypedResults.Ok<IReadOnlyList<NotificationResponse>>([.. notifications.Select(NotificationResponse.From)]);
    }

    /// <summary>
    /// Streams notifications as Server-Sent Events: first the stored ones after <c>Last-Event-ID</c> (or
    /// <c>?after=</c>), then new ones as they happen. Each event's id is its sequence number, so a
    /// reconnecting client misses nothing.
    /// </summary>
    internal static async Task StreamEvents(
        HttpContext context, ClaimsPrincipal user, IClusterClient cluster, IOptions<JsonOptions> json, ILoggerFactory loggers, string? after)
    {
        long afterSequence = 0;
        if (after is not null && (!long.TryParse(after, out afterSequence) || afterSequence < 0))
        {
            await TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["after"] = [$"'after' is a sequence number of 0 or more; got '{after}'."] })
                .ExecuteAsync(context);
            return;
        }

        var logger = loggers.CreateLogger(typeof(NotificationsApi));
        var agentId = user.AgentId();
        var agent = cluster.GetGrain<IAgentGrain>(agentId);
        var lastSent = long.TryParse(context.Request.Headers["Last-Event-ID"], out var lastEventId) ? lastEventId : afterSequence;
        var cancellation = context.RequestAborted;

        var listener = new NotificationListener();
        var reference = cluster.CreateObjectReference<IAgentNotificationObserver>(listener);
        try
        {
            await agent.Subscribe(reference);

            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            await context.Response.Body.FlushAsync(cancellation);
            logger.LogInformation("Agent {AgentId} opened a notification stream after sequence {Sequence}", agentId, lastSent);

            foreach (var stored in await agent.GetNotifications(lastSent))
            {
                lastSent = await Write(context, stored, lastSent, json.Value.SerializerOptions, cancellation);
            }

            while (!cancellation.IsCancellationRequested)
            {
                using var renewal = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                renewal.CancelAfter(RenewalInterval);
                try
                {
                    var notification = await listener.Notifications.ReadAsync(renewal.Token);
                    lastSent = await Write(context, notification, lastSent, json.Value.SerializerOptions, cancellation);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    await agent.Subscribe(reference);
                    await context.Response.WriteAsync(": keep-alive\n\n", cancellation);
                    await context.Response.Body.FlushAsync(cancellation);
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            logger.LogInformation("Agent {AgentId} closed the notification stream at sequence {Sequence}", agentId, lastSent);
        }
        finally
        {
            await UnsubscribeQuietly(agent, reference, logger, agentId);
            cluster.DeleteObjectReference<IAgentNotificationObserver>(reference);
        }
    }

    private static async Task<long> Write(
        HttpContext context, AgentNotification notification, long lastSent, JsonSerializerOptions options, CancellationToken cancellation)
    {
        if (notification.Sequence <= lastSent)
        {
            return lastSent;
        }

        var data = JsonSerializer.Serialize(NotificationResponse.From(notification), options);
        var type = JsonSerializer.Serialize(notification.Type, options).Trim('"');
        await context.Response.WriteAsync($"id: {notification.Sequence}\nevent: {type}\ndata: {data}\n\n", cancellation);
        await context.Response.Body.FlushAsync(cancellation);
        return notification.Sequence;
    }

    private static async Task UnsubscribeQuietly(IAgentGrain agent, IAgentNotificationObserver reference, ILogger logger, string agentId)
    {
        try
        {
            await agent.Unsubscribe(reference);
        }
        catch (Exception ex)
        {
            // The listener expires by itself within two minutes if this call does not get through.
            logger.LogWarning(ex, "Could not unsubscribe the notification stream of agent {AgentId}", agentId);
        }
    }

    private sealed class NotificationListener : IAgentNotificationObserver
    {
        private readonly Channel<AgentNotification> notifications =
            System.Threading.Channels.Channel.CreateBounded<AgentNotification>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });

        public ChannelReader<AgentNotification> Notifications => notifications.Reader;

        public Task OnNotification(AgentNotification notification)
        {
            notifications.Writer.TryWrite(notification);
            return Task.CompletedTask;
        }
    }
}
