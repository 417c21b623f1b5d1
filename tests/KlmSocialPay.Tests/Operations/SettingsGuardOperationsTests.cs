using KlmSocialPay.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace KlmSocialPay.Tests.Operations;

public sealed class SettingsGuardOperationsTests
{
    private static Dictionary<string, string?> ProductionSettings() => new()
    {
        ["Operations:Users:oncall"] = "a-long-operations-password",
        ["Sandbox:Enabled"] = "false",
    };

    [Fact]
    public void Production_RealOperationsUser_IsAccepted()
    {
        var settings = new Dictionary<string, string?> { ["Operations:Users:oncall"] = "a-long-operations-password" };

        // Other secrets are missing here, so the guard throws. Only its Operations lines matter.
        var error = Assert.Throws<InvalidOperationException>(() =>
            SettingsGuard.Validate(Configuration(settings), Environment(Environments.Production)));

        Assert.DoesNotContain("Operations:", error.Message);
    }

    [Fact]
    public void Production_NoOperationsUser_IsRejected()
    {
        var settings = ProductionSettings();
        settings.Remove("Operations:Users:oncall");

        var error = Assert.Throws<InvalidOperationException>(() =>
            SettingsGuard.Validate(Configuration(settings), Environment(Environments.Production)));

        Assert.Contains("Operations:Users is empty", error.Message);
    }

    [Theory]
    [InlineData("dev-ops-password")]
    [InlineData("")]
    public void Production_DevelopmentOrEmptyPassword_IsRejected(string password)
    {
        var settings = ProductionSettings();
        settings["Operations:Users:ops"] = password;

        var error = Assert.Throws<InvalidOperationException>(() =>
            SettingsGuard.Validate(Configuration(settings), Environment(Environments.Production)));

        Assert.Contains("Operations:Users:ops is empty or the embedded development password", error.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080/sandbox/stripe", "http://127.0.0.1:5080/sandbox/meta")]
    [InlineData("http://localhost:5080/sandbox/stripe", "http://[::1]:5080/sandbox/meta")]
    public void Development_SandboxOnLoopbackTargets_Starts(string stripeBase, string graphBase)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sandbox:Enabled"] = "true",
            ["Stripe:ApiBase"] = stripeBase,
            ["Messenger:GraphApiBase"] = graphBase,
            ["X:ApiBase"] = "http://127.0.0.1:5080/sandbox/x",
            ["WhatsApp:GraphApiBase"] = "http://127.0.0.1:5080/sandbox/whatsapp",
        };

        SettingsGuard.Validate(Configuration(settings), Environment(Environments.Development));
    }

    [Theory]
    [InlineData("https://api.stripe.com", "http://127.0.0.1:5080/sandbox/meta", "http://127.0.0.1:5080/sandbox/x", "Stripe:ApiBase")]
    [InlineData("http://127.0.0.1:5080/sandbox/stripe", "https://graph.facebook.com", "http://127.0.0.1:5080/sandbox/x", "Messenger:GraphApiBase")]
    [InlineData("http://127.0.0.1:5080/sandbox/stripe", null, "http://127.0.0.1:5080/sandbox/x", "Messenger:GraphApiBase")]
    [InlineData("http://10.0.0.5:5080/sandbox/stripe", "http://127.0.0.1:5080/sandbox/meta", "http://127.0.0.1:5080/sandbox/x", "Stripe:ApiBase")]
    [InlineData("http://127.0.0.1:5080/sandbox/stripe", "http://127.0.0.1:5080/sandbox/meta", "https://api.x.com", "X:ApiBase")]
    public void Development_SandboxOnRealTarget_IsRejected(string? stripeBase, string? graphBase, string? xBase, string setting)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sandbox:Enabled"] = "true",
            ["Stripe:ApiBase"] = stripeBase,
            ["Messenger:GraphApiBase"] = graphBase,
            ["X:ApiBase"] = xBase,
            ["WhatsApp:GraphApiBase"] = "http://127.0.0.1:5080/sandbox/whatsapp",
        };

        var error = Assert.Throws<InvalidOperationException>(() =>
            SettingsGuard.Validate(Configuration(settings), Environment(Environments.Development)));

        Assert.Contains($"{setting} '", error.Message);
    }

    [Fact]
    public void Development_SandboxOnRealWhatsApp_IsRejected()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sandbox:Enabled"] = "true",
            ["Stripe:ApiBase"] = "http://127.0.0.1:5080/sandbox/stripe",
            ["Messenger:GraphApiBase"] = "http://127.0.0.1:5080/sandbox/meta",
            ["X:ApiBase"] = "http://127.0.0.1:5080/sandbox/x",
            ["WhatsApp:GraphApiBase"] = "https://graph.facebook.com",
        };

        var error = Assert.Throws<InvalidOperationException>(() =>
            SettingsGuard.Validate(Configuration(settings), Environment(Environments.Development)));

        Assert.Contains("WhatsApp:GraphApiBase '", error.Message);
    }

    [Fact]
    public void Development_SandboxOffRealTargets_Starts()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sandbox:Enabled"] = "false",
            ["Stripe:ApiBase"] = "https://api.stripe.com",
            ["Messenger:GraphApiBase"] = "https://graph.facebook.com",
        };

        SettingsGuard.Validate(Configuration(settings), Environment(Environments.Development));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static HostingEnvironment Environment(string name) => new() { EnvironmentName = name };
}
