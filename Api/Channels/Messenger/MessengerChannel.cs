namespace KlmSocialPay.Api.Channels.Messenger;

/// <summary>
/// Facebook Messenger: the webhook that brings customer messages in, and the Send API client that takes
/// payment links out. The API's wiring calls these two methods; nothing else refers to Messenger.
/// </summary>
public static class MessengerChannel
{
    public static IServiceCollection AddMessengerChannel(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MessengerOptions>().Bind(configuration.GetSection(MessengerOptions.SectionName));
        services.AddHttpClient(MessengerSender.HttpClientName);
        services.AddSingleton<IChannelSender, MessengerSender>();
        return services;
    }

    public static IEndpointRouteBuilder MapMessengerChannel(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMessengerWebhook();
}
