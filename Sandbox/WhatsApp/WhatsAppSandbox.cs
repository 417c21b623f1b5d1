using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>Registers and maps the WhatsApp Cloud API stand-in; the sandbox's entry points call these two methods.</summary>
internal static class WhatsAppSandbox
{
    public static IServiceCollection AddWhatsAppSandbox(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SandboxOptions>, WhatsAppOptionsValidator>());

        // Loopback webhook targets must not go through a proxy from the environment, and Meta does not follow redirects.
        services.AddHttpClient(WhatsAppWebhookPoster.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });

        services.AddSingleton<WhatsAppStore>();
        services.AddSingleton<WhatsAppStatusQueue>();
        services.AddSingleton<WhatsAppWebhookPoster>();
        services.AddSingleton<WhatsAppSendEndpoints>();
        services.AddSingleton<WhatsAppCustomerEndpoints>();
        services.AddHostedService<WhatsAppStatusWorker>();
        return services;
    }

    public static void MapWhatsAppSandbox(IEndpointRouteBuilder sandbox)
    {
        WhatsAppSendEndpoints.Map(sandbox);
        WhatsAppCustomerEndpoints.Map(sandbox);
    }
}
