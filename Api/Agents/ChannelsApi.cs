namespace KlmSocialPay.Api.Agents;

/// <summary>
/// <c>GET /api/channels</c>: each channel's sending state, so agent apps can warn before a shared quota runs
/// out or explain why links wait (a rate-limit pause).
/// </summary>
public static class ChannelsApi
{
    public static RouteGroupBuilder MapChannelsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/channels", GetChannels).WithTags("Channels").WithName("GetChannels");
        return api;
    }

    internal static async Task<Ok<IReadOnlyList<ChannelStatusResponse>>> GetChannels(IGrainFactory grains)
    {
        var statuses = await Task.WhenAll(Enum.GetValues<Channel>()
            .Select(channel => grains.GetGrain<IChannelGateGrain>(ConversationKey.ChannelName(channel)).GetStatus()));
        return TypedResults.Ok<IReadOnlyList<ChannelStatusResponse>>([.. statuses.Select(ChannelStatusResponse.From)]);
    }
}

/// <summary>A channel's sending state. Quota windows are in seconds.</summary>
public sealed record ChannelStatusResponse(
    string Channel, DateTimeOffset? PausedUntil, string? PauseReason, IReadOnlyList<QuotaUseResponse> Quotas, string? Warning)
{
    public static ChannelStatusResponse From(ChannelGateStatus status) => new(
        status.Channel,
        status.PausedUntil,
        status.PauseReason,
        [.. status.Quotas.Select(q => new QuotaUseResponse((long)q.Window.TotalSeconds, q.Limit, q.Used))],
        status.Warning);
}

public sealed record QuotaUseResponse(long WindowSeconds, int Limit, int Used);
