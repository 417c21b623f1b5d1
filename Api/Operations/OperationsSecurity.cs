using Microsoft.AspNetCore.Authentication;

namespace KlmSocialPay.Api.Operations;

/// <summary>
/// Registers the operations sign-in and the two policies that guard the dashboard and the metrics endpoint.
/// Both policies name the operations scheme alone, so an agent's bearer key never satisfies them.
/// </summary>
public static class OperationsSecurity
{
    /// <summary>Operations users only.</summary>
    public const string OperatorsPolicy = "operations";

    /// <summary>Operations users, or the holder of <c>Operations:MetricsScrapeToken</c>.</summary>
    public const string MetricsPolicy = "metrics";

    public static IServiceCollection AddOperationsSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OperationsOptions>().Bind(configuration.GetSection(OperationsOptions.SectionName));

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, OperationsAuthenticationHandler>(OperationsAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(OperatorsPolicy, policy => policy
                .AddAuthenticationSchemes(OperationsAuthenticationHandler.SchemeName)
                .RequireRole(OperationsAuthenticationHandler.OperatorRole))
            .AddPolicy(MetricsPolicy, policy => policy
                .AddAuthenticationSchemes(OperationsAuthenticationHandler.SchemeName)
                .RequireRole(OperationsAuthenticationHandler.OperatorRole, OperationsAuthenticationHandler.MetricsScraperRole));
        return services;
    }
}
