using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Robustness;

/// <summary>
/// The whole product logging errors only, so the warnings of thousands of rejected webhooks do not flood the
/// test output and slow the run. Errors the product catches still show.
/// </summary>
public sealed class QuietProductHost : IAsyncLifetime
{
    public ProductHost Host { get; } = new(new Dictionary<string, string?> { ["Serilog:MinimumLevel"] = "Error" });

    public Task InitializeAsync() => Host.InitializeAsync();

    public Task DisposeAsync() => Host.DisposeAsync();
}
