using KlmSocialPay.Api.Hosting;
using KlmSocialPay.Grains.Conversations;
using KlmSocialPay.Grains.Outbox;
using KlmSocialPay.Grains.PaymentLinks;
using KlmSocialPay.Sandbox;
using KlmSocialPay.Silo.Hosting;
using Serilog;

var builder = WebApplication.CreateBuilder(args);
builder.AddKlmSocialPayLogging();
try
{
    SettingsGuard.Validate(builder.Configuration, builder.Environment);
}
catch (InvalidOperationException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 1;
}

builder.UseOrleans(silo => silo
    .UseKlmSocialPayStorage(builder.Configuration, builder.Environment)
    .AddActivityPropagation());

builder.Services.AddOptions<PaymentLinkOptions>()
    .Bind(builder.Configuration.GetSection(PaymentLinkOptions.SectionName))
    .Validate(
        options => options.Lifetime >= PaymentLinkOptions.MinLifetime && options.Lifetime <= PaymentLinkOptions.MaxLifetime,
        "PaymentLinks:Lifetime must be from 00:30:00 to 24:00:00, the range Stripe accepts for expires_at.")
    .ValidateOnStart();
builder.Services.AddOptions<OutboxOptions>()
    .Bind(builder.Configuration.GetSection(OutboxOptions.SectionName))
    .Validate(options => options.MaxAttempts >= 1, "Outbox:MaxAttempts must be 1 or more.")
    .ValidateOnStart();
builder.Services.AddOptions<ConversationOptions>()
    .Bind(builder.Configuration.GetSection(ConversationOptions.SectionName))
    .Validate(options => options.TextRetention > TimeSpan.Zero, "Conversations:TextRetention must be positive.")
    .ValidateOnStart();
builder.Services.AddKlmSocialPayApi(builder.Configuration);
builder.AddKlmSocialPayOperations();
builder.Services.AddHostedService<ReconciliationSchedule>();
builder.Services.AddHealthChecks()
    .AddCheck<ClusterHealthCheck>("orleans", tags: [ApiSetup.ReadyTag])
    .AddCheck<StorageHealthCheck>("storage", tags: [ApiSetup.ReadyTag]);

var sandboxEnabled = builder.Configuration.GetValue<bool>("Sandbox:Enabled");
if (sandboxEnabled)
{
    builder.Services.AddKlmSocialPaySandbox(builder.Configuration);
}

var app = builder.Build();
app.MapKlmSocialPayApi();
app.MapKlmSocialPayOperations();
if (sandboxEnabled)
{
    app.MapKlmSocialPaySandbox();
}

app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation(
    "KlmSocialPay started in {Environment} on {Urls}; sandbox {SandboxState}",
    app.Environment.EnvironmentName, string.Join(", ", app.Urls), sandboxEnabled ? "on" : "off"));

try
{
    await app.RunAsync();
    return 0;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>The host's entry point, public so that tests can start it with WebApplicationFactory.</summary>
public partial class Program;
