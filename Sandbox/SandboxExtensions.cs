using KlmSocialPay.Sandbox.Meta;
using KlmSocialPay.Sandbox.Pages;
using KlmSocialPay.Sandbox.Stripe;
using KlmSocialPay.Sandbox.WhatsApp;
using KlmSocialPay.Sandbox.X;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox;

/// <summary>
/// Entry points for the host. The product never references the sandbox, and the host calls these two methods
/// only when <c>Sandbox:Enabled</c> is true and points the product's Stripe and Graph base URLs at it.
/// </summary>
public static class SandboxExtensions
{
    /// <summary>
    /// Registers the Stripe and Messenger stand-ins and their background workers, bound to the section
    /// <c>Sandbox</c> of <paramref name="configuration"/>. Invalid settings fail at host start.
    /// </summary>
    public static IServiceCollection AddKlmSocialPaySandbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SandboxOptions>()
            .Bind(configuration.GetSection(SandboxOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SandboxOptions>, SandboxOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new SandboxClock(
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<SandboxOptions>>().Value.ClockOffset));

        // Loopback webhook targets must not go through a proxy from the environment, and Stripe does not follow redirects.
        services.AddHttpClient(WebhookDeliveryWorker.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        services.AddHttpClient(MessengerWebhookPoster.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });

        services.AddSingleton<WebhookDeliveryQueue>();
        services.AddSingleton<WebhookDeliveryLog>();
        services.AddSingleton<StripeEventLog>();
        services.AddSingleton<CheckoutSessionStore>();
        services.AddSingleton<StripeIdempotencyStore>();
        services.AddSingleton<StripeApiEndpoints>();
        services.AddSingleton<HostedCheckoutEndpoints>();
        services.AddHostedService<WebhookDeliveryWorker>();
        services.AddHostedService<CheckoutSessionTimerWorker>();

        services.AddSingleton<MessengerStore>();
        services.AddSingleton<MessengerWebhookPoster>();
        services.AddSingleton<MessengerSendEndpoints>();
        services.AddSingleton<MessengerCustomerEndpoints>();

        services.AddXSandbox();
        services.AddWhatsAppSandbox();

        return services;
    }

    /// <summary>Maps every sandbox page and API under <c>/sandbox</c>.</summary>
    public static IEndpointRouteBuilder MapKlmSocialPaySandbox(this IEndpointRouteBuilder endpoints)
    {
        var sandbox = endpoints.MapGroup("/sandbox").ExcludeFromDescription();

        sandbox.MapGet("", (SandboxClock clock, CheckoutSessionStore sessions) =>
            Results.Content(SandboxIndexPage.Render(clock, sessions.NewestFirst(SandboxIndexPage.ListedSessions)), "text/html; charset=utf-8"));

        SandboxClockEndpoints.Map(sandbox);
        StripeApiEndpoints.Map(sandbox);
        HostedCheckoutEndpoints.Map(sandbox);
        MessengerSendEndpoints.Map(sandbox);
        MessengerCustomerEndpoints.Map(sandbox);
        XSandbox.MapXSandbox(sandbox);
        WhatsAppSandbox.MapWhatsAppSandbox(sandbox);

        return endpoints;
    }
}
