using KlmSocialPay.Api.Hosting;
using KlmSocialPay.Sandbox;
using KlmSocialPay.Silo.Hosting;
using Serilog;

var builder = WebApplication.CreateBuilder(args);
builder.AddKlmSocialPayLogging();
HostingRole role;
try
{
    SettingsGuard.Validate(builder.Configuration, builder.Environment);
    role = HostingRoles.FromConfiguration(builder.Configuration, builder.Environment);
}
catch (InvalidOperationException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 1;
}

// Hosting:Role picks the process's part: Combined runs everything, Silo the grains, Api the HTTP API as a cluster client.
if (role.HostsSilo())
{
    builder.UseOrleans(silo => silo
        .UseKlmSocialPayStorage(builder.Configuration, builder.Environment)
        .UseKlmSocialPayMembership(builder.Configuration)
        .AddActivityPropagation());
    builder.Services.AddKlmSocialPayGrainOptions(builder.Configuration);
}
else
{
    builder.UseKlmSocialPayClusterClient();
}

builder.Services.AddStorageExceptionSerialization();
if (role.ServesApi())
{
    builder.Services.AddKlmSocialPayApi(builder.Configuration);
}
else
{
    builder.Services.AddKlmSocialPayProviders(builder.Configuration);
}

builder.AddKlmSocialPayOperations(role);

// The cluster check is a management grain call, which a client makes through a gateway. Only a silo opens storage.
var healthChecks = builder.Services.AddHealthChecks()
    .AddCheck<ClusterHealthCheck>("orleans", tags: [ApiSetup.ReadyTag]);
if (role.HostsSilo())
{
    builder.Services.AddHostedService<ReconciliationSchedule>();
    healthChecks.AddCheck<StorageHealthCheck>("storage", tags: [ApiSetup.ReadyTag]);
}

var sandboxEnabled = role.ServesApi() && builder.Configuration.GetValue<bool>("Sandbox:Enabled");
if (sandboxEnabled)
{
    builder.Services.AddKlmSocialPaySandbox(builder.Configuration);
}

var app = builder.Build();
if (role.ServesApi())
{
    app.MapKlmSocialPayApi();
    app.MapKlmSocialPayOperations();
}
else
{
    app.MapKlmSocialPayHealth();
}

if (sandboxEnabled)
{
    app.MapKlmSocialPaySandbox();
}

app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation(
    "KlmSocialPay started as {HostingRole} in {Environment} on {Urls}; sandbox {SandboxState}",
    role, app.Environment.EnvironmentName, string.Join(", ", app.Urls), sandboxEnabled ? "on" : "off"));

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
