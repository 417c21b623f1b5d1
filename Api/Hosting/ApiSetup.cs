using System.Text.Json;
using System.Text.Json.Serialization;
using KlmSocialPay.Api.Agents;
using KlmSocialPay.Api.Channels.Messenger;
using KlmSocialPay.Api.Channels.WhatsApp;
using KlmSocialPay.Api.Channels.X;
using KlmSocialPay.Api.Operations;
using KlmSocialPay.Api.Payments;
using KlmSocialPay.Api.Security;
using KlmSocialPay.Api.Webhooks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Serilog;
using Stripe;

namespace KlmSocialPay.Api.Hosting;

/// <summary>Registers and maps the API: webhooks, agent routes, health, OpenAPI, and the outbound provider clients.</summary>
public static class ApiSetup
{
    /// <summary>Tag of the health checks that must pass before the process takes traffic.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Registers the web API and, through <see cref="AddKlmSocialPayProviders"/>, the outbound provider adapters.</summary>
    public static IServiceCollection AddKlmSocialPayApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKlmSocialPayProviders(configuration);
        services.AddOptions<AgentOptions>().Bind(configuration.GetSection(AgentOptions.SectionName));

        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecurityTransformer>());
        services.AddHealthChecks();

        // No default scheme: only routes that require the agent policy look at the Authorization header,
        // so webhooks and the sandbox (which carry other bearer tokens) are never checked against agent keys.
        // Since ASP.NET Core 7 a lone scheme becomes the default unless this switch is set.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AgentKeyAuthenticationHandler>(AgentKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy("agent", policy => policy
                .AddAuthenticationSchemes(AgentKeyAuthenticationHandler.SchemeName)
                .RequireRole(AgentKeyAuthenticationHandler.AgentRole));
        return services;
    }

    /// <summary>
    /// Registers the adapters behind the grains' ports: the Stripe.net client as <see cref="ICheckoutProvider"/>
    /// and every channel's <see cref="IChannelSender"/>, with their options. A process that hosts grains needs
    /// them even when it serves no HTTP API, and the webhooks read the same options.
    /// </summary>
    public static IServiceCollection AddKlmSocialPayProviders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StripeOptions>().Bind(configuration.GetSection(StripeOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient("stripe");
        services.AddSingleton<IStripeClient>(provider =>
        {
            var stripe = provider.GetRequiredService<IOptions<StripeOptions>>().Value;
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("stripe");
            return new StripeClient(new StripeClientOptions
            {
                ApiKey = stripe.SecretKey,
                ApiBase = stripe.ApiBase,
                HttpClient = new SystemNetHttpClient(http, maxNetworkRetries: 2),
            });
        });
        services.AddSingleton<ICheckoutProvider, StripeCheckoutProvider>();

        // Channels: each lives in its own folder under Channels/ and registers itself here.
        services.AddMessengerChannel(configuration);
        services.AddWhatsAppChannel(configuration);
        services.AddXChannel(configuration);
        return services;
    }

    public static WebApplication MapKlmSocialPayApi(this WebApplication app)
    {
        // Request logging wraps the exception handler, so it logs the status the client got (409, 502), not 500.
        app.UseSerilogRequestLogging(options =>
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} answered {StatusCode} in {Elapsed:0.0} ms");
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi();
        app.MapKlmSocialPayHealth();

        app.MapStripeWebhook();
        app.MapMessengerChannel();
        app.MapWhatsAppChannel();
        app.MapXChannel();

        app.MapGroup("/api")
            .RequireAuthorization("agent")
            .MapConversationsApi()
            .MapOrdersApi()
            .MapNotificationsApi()
            .MapChannelsApi();

        app.MapGroup("/api/operations")
            .RequireAuthorization(OperationsSecurity.OperatorsPolicy)
            .MapReconciliationApi();
        return app;
    }

    /// <summary>
    /// Maps <c>/health/live</c>, which runs no check, and <c>/health/ready</c>, which runs the checks tagged
    /// <see cref="ReadyTag"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapKlmSocialPayHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        return endpoints;
    }
}
