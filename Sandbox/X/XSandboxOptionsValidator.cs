using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.X;

/// <summary>Rejects <c>Sandbox:X</c> settings that would make the X stand-in fail at its first request.</summary>
internal sealed class XSandboxOptionsValidator : IValidateOptions<SandboxOptions>
{
    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        var x = options.X;
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(x.ConsumerSecret))
        {
            failures.Add("Sandbox:X:ConsumerSecret is missing.");
        }

        if (string.IsNullOrWhiteSpace(x.UserAccessToken))
        {
            failures.Add("Sandbox:X:UserAccessToken is missing.");
        }

        if (!XIds.IsId(x.AccountId))
        {
            failures.Add($"Sandbox:X:AccountId must be an X user id of 1 to 19 digits, got '{x.AccountId}'.");
        }

        if (string.IsNullOrEmpty(x.WebhookUrl) || !SandboxUrls.IsAbsoluteHttpUrl(x.WebhookUrl))
        {
            failures.Add($"Sandbox:X:WebhookUrl must be an absolute http or https URL, got '{x.WebhookUrl}'.");
        }

        if (x.WebhookTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Sandbox:X:WebhookTimeout must be positive, got {x.WebhookTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
