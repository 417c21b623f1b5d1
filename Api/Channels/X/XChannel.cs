namespace KlmSocialPay.Api.Channels.X;

/// <summary>
/// X (Twitter) direct messages: the Account Activity webhook that brings customer DMs in, and the API v2
/// client that sends payment links out. The API's wiring calls these two methods, and nothing else refers to X.
/// </summary>
public static class XChannel
{
    public static IServiceCollection AddXChannel(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<XOptions>().Bind(configuration.GetSection(XOptions.SectionName));
        services.AddHttpClient(XSender.HttpClientName);
        services.AddSingleton<IChannelSender, XSender>();
        return services;
    }

    public static IEndpointRouteBuilder MapXChannel(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapXWebhook();
}
