using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.X;

/// <summary>Registers and maps the X stand-in. <see cref="SandboxExtensions"/> calls these two methods.</summary>
internal static class XSandbox
{
    public static IServiceCollection AddXSandbox(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SandboxOptions>, XSandboxOptionsValidator>());

        // X marks a webhook invalid when it responds with a redirect, so the poster does not follow one.
        services.AddHttpClient(XWebhookPoster.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });

        services.AddSingleton<XStore>();
        services.AddSingleton<XWebhookPoster>();
        services.AddSingleton<XDmEndpoints>();
        services.AddSingleton<XCustomerEndpoints>();
        return services;
    }

    public static void MapXSandbox(IEndpointRouteBuilder sandbox)
    {
        XDmEndpoints.Map(sandbox);
        XCustomerEndpoints.Map(sandbox);
    }
}
