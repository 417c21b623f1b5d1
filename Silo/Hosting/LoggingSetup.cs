using System.Globalization;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace KlmSocialPay.Silo.Hosting;

/// <summary>
/// Serilog for the whole process. <c>Serilog:Format</c> is <c>text</c> (default) or <c>json</c> (compact
/// JSON, one event a line, for production log shipping). Serilog 4 records the current trace and span id
/// on every event, which ties a webhook's request to the grain calls it caused.
/// </summary>
public static class LoggingSetup
{
    public static WebApplicationBuilder AddKlmSocialPayLogging(this WebApplicationBuilder builder)
    {
        var json = string.Equals(builder.Configuration["Serilog:Format"], "json", StringComparison.OrdinalIgnoreCase);
        var level = Enum.TryParse<LogEventLevel>(builder.Configuration["Serilog:MinimumLevel"], ignoreCase: true, out var configured)
            ? configured
            : LogEventLevel.Information;

        builder.Services.AddSerilog(logger =>
        {
            logger.MinimumLevel.Is(level)
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
                .MinimumLevel.Override("Polly", LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Application", "KlmSocialPay");

            if (json)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(
                    outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {TraceId}{NewLine}{Exception}",
                    formatProvider: CultureInfo.InvariantCulture);
            }
        });
        return builder;
    }
}
