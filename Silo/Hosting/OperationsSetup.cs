using KlmSocialPay.Api.Operations;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Serilog.AspNetCore;
using Serilog.Events;

namespace KlmSocialPay.Silo.Hosting;

/// <summary>
/// The operations side of the host: the Orleans Dashboard at <see cref="DashboardPath"/> for operations
/// users, the Prometheus scrape endpoint at <see cref="MetricsPath"/> for operations users or the scrape
/// token, and OpenTelemetry (<see cref="TelemetrySetup"/>).
/// </summary>
public static class OperationsSetup
{
    public const string DashboardPath = "/dashboard";

    public const string MetricsPath = "/metrics";

    /// <summary>The dashboard's route that returns a grain's persisted state.</summary>
    private const string GrainStateRoute = "/GrainState";

    public static WebApplicationBuilder AddKlmSocialPayOperations(this WebApplicationBuilder builder, HostingRole role)
    {
        builder.Services.AddOperationsSecurity(builder.Configuration);

        // UseOrleans adds to the silo that Program.cs configured; Orleans keeps one silo builder per host.
        // The live log stream stays off: Serilog replaces the logger factory, so the dashboard's log
        // provider would receive nothing, and log lines carry customer ids.
        // An API process serves the dashboard as a client, which reads what the silos' dashboard services collect.
        if (role.HostsSilo())
        {
            builder.UseOrleans(silo => silo.AddDashboard(options => options.HideTrace = true));
        }
        else
        {
            builder.UseOrleansClient(client => client.AddDashboard(options => options.HideTrace = true));
        }

        builder.AddKlmSocialPayTelemetry();

        // The dashboard page polls several routes every second, and Prometheus scrapes every few seconds.
        // Their successful requests are logged at Debug, so they do not bury the product's requests.
        builder.Services.Configure<RequestLoggingOptions>(options => options.GetLevel = RequestLogLevel);
        return builder;
    }

    public static WebApplication MapKlmSocialPayOperations(this WebApplication app)
    {
        app.MapOrleansDashboard(routePrefix: DashboardPath)
            .RequireAuthorization(OperationsSecurity.OperatorsPolicy)
            .AddEndpointFilter(GuardGrainState)
            .ExcludeFromDescription();

        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .RequireAuthorization(OperationsSecurity.MetricsPolicy)
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Rejects the dashboard's grain state route unless <c>Operations:Dashboard:ShowGrainState</c> is true.</summary>
    private static async ValueTask<object?> GuardGrainState(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var pattern = (context.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        var isGrainState = pattern?.EndsWith(GrainStateRoute, StringComparison.OrdinalIgnoreCase) == true;
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<OperationsOptions>>().CurrentValue;
        if (isGrainState && !options.Dashboard.ShowGrainState)
        {
            return Results.Problem(
                title: "Grain state hidden",
                detail: "Grain state contains customer data, so the dashboard does not show it. Set Operations:Dashboard:ShowGrainState to true to allow it.",
                statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context);
    }

    private static LogEventLevel RequestLogLevel(HttpContext context, double elapsedMilliseconds, Exception? exception)
    {
        if (exception is not null || context.Response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            return LogEventLevel.Error;
        }

        var path = context.Request.Path;
        var isOperations = path.StartsWithSegments(DashboardPath, StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase);
        return isOperations && context.Response.StatusCode < StatusCodes.Status400BadRequest
            ? LogEventLevel.Debug
            : LogEventLevel.Information;
    }
}
