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
    };

    private const string DevelopmentAgentKey = "dev-agent-key";

    public static void Validate(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
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

    private static string ToEnvironmentName(string setting) => setting.Replace(":", "__", StringComparison.Ordinal);
}
