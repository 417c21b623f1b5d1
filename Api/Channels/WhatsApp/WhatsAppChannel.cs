namespace KlmSocialPay.Api.Channels.WhatsApp;

/// <summary>
/// WhatsApp Cloud API: the webhook that brings customer messages and delivery statuses in, and the client
/// that sends payment links out. The API's wiring calls these two methods; nothing else refers to WhatsApp.
/// </summary>
public static class WhatsAppChannel
{
    public static IServiceCollection AddWhatsAppChannel(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WhatsAppOptions>().Bind(configuration.GetSection(WhatsAppOptions.SectionName));
        services.AddHttpClient(WhatsAppSender.HttpClientName);
        services.AddSingleton<IChannelSender, WhatsAppSender>();
        return services;
    }

    public static IEndpointRouteBuilder MapWhatsAppChannel(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapWhatsAppWebhook();
}
