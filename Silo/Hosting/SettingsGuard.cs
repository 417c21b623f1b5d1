namespace KlmSocialPay.Silo.Hosting;

/// <summary>
/// Refuses to start outside Development with a missing secret, with one of the embedded development
/// defaults, or with the sandbox on. Each error names the setting to fix.
/// </summary>
public static class SettingsGuard
{
    /// <summary>The embedded defaults of appsettings.Development.json: known to everyone, so never valid in production.</summary>
    private static readonly Dictionary<string, string> DevelopmentDefaults = new(StringComparer.Ordinal)
    {
        ["Stripe:SecretKey"] = "sk_test_sandbox",
        ["Stripe:WebhookSecret"] = "whsec_sandbox",
        ["Messenger:AppSecret"] = "sandbox-meta-app-secret",
        ["Messenger:VerifyToken"] = "sandbox-verify-token",
        ["Messenger:PageAccessToken"] = "sandbox-page-access-token",
        ["X:ConsumerSecret"] = "sandbox-x-consumer-secret",
        ["X:UserAccessToken"] = "sandbox-x-user-token",
        ["WhatsApp:AccessToken"] = "sandbox-whatsapp-token",
        ["WhatsApp:AppSecret"] = "sandbox-meta-app-secret",
        ["WhatsApp:VerifyToken"] = "sandbox-verify-token",
    };

    private const string DevelopmentAgentKey = "dev-agent-key";

    private const string DevelopmentOperationsPassword = "dev-ops-password";

    /// <summary>Base URLs of real services that must point at the sandbox while it is on.</summary>
    private static readonly string[] SandboxedBaseUrls = ["Stripe:ApiBase", "Messenger:GraphApiBase", "X:ApiBase", "WhatsApp:GraphApiBase"];

    public static void Validate(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            ValidateSandboxTargets(configuration);
            return;
        }

        var errors = new List<string>();
        foreach (var (setting, developmentValue) in DevelopmentDefaults)
        {
            var value = configuration[setting];
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{setting} is missing; set it in configuration or as the environment variable {ToEnvironmentName(setting)}.");
            }
            else if (value == developmentValue)
            {
                errors.Add($"{setting} has the embedded development value, which is public; set the real secret.");
            }
        }

        var agentKeys = configuration.GetSection("Agents:Keys").GetChildren().ToList();
        if (agentKeys.Count == 0)
        {
            errors.Add("Agents:Keys is empty; configure at least one agent as Agents:Keys:{agentId} = {key}.");
        }

        errors.AddRange(agentKeys
            .Where(agent => agent.Value == DevelopmentAgentKey || string.IsNullOrWhiteSpace(agent.Value))
            .Select(agent => $"Agents:Keys:{agent.Key} is empty or the embedded development key; set a real key."));

        var operationsUsers = configuration.GetSection("Operations:Users").GetChildren().ToList();
        if (operationsUsers.Count == 0)
        {
            errors.Add("Operations:Users is empty; configure at least one operations user as Operations:Users:{name} = {password}.");
        }

        errors.AddRange(operationsUsers
            .Where(user => user.Value == DevelopmentOperationsPassword || string.IsNullOrWhiteSpace(user.Value))
            .Select(user => $"Operations:Users:{user.Key} is empty or the embedded development password; set a real password."));

        if (configuration.GetValue<bool>("Sandbox:Enabled"))
        {
            errors.Add("Sandbox:Enabled is true outside Development; the sandbox is a development tool, so set it to false.");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(
                $"KlmSocialPay cannot start in environment '{environment.EnvironmentName}':{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", errors));
        }
    }

    /// <summary>
    /// Rejects a Development start with the sandbox on and a real service's base URL that is not loopback,
    /// so that a developer's sandbox keys and test traffic never reach Stripe, Meta or X.
    /// </summary>
    private static void ValidateSandboxTargets(IConfiguration configuration)
    {
        if (!configuration.GetValue<bool>("Sandbox:Enabled"))
        {
            return;
        }

        var errors = SandboxedBaseUrls
            .Where(setting => !Uri.TryCreate(configuration[setting], UriKind.Absolute, out var url) || !url.IsLoopback)
            .Select(setting => $"{setting} '{configuration[setting]}' is not a loopback URL while Sandbox:Enabled is true; point it at the sandbox (http://127.0.0.1:5080/sandbox/...) or set Sandbox:Enabled to false.")
            .ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(
                $"KlmSocialPay cannot start in Development:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));
        }
    }

    private static string ToEnvironmentName(string setting) => setting.Replace(":", "__", StringComparison.Ordinal);
}
