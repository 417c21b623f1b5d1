using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox;

/// <summary>Rejects settings that would make the sandbox fail later, at the first request that needs them.</summary>
internal sealed class SandboxOptionsValidator : IValidateOptions<SandboxOptions>
{
    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        var failures = new List<string>();

        RequireAbsoluteHttpUrl(failures, "Sandbox:PublicBaseUrl", options.PublicBaseUrl, allowEmpty: false);
        RequireText(failures, "Sandbox:Stripe:SecretKey", options.Stripe.SecretKey);
        RequireText(failures, "Sandbox:Stripe:WebhookSecret", options.Stripe.WebhookSecret);
        RequireAbsoluteHttpUrl(failures, "Sandbox:Stripe:WebhookUrl", options.Stripe.WebhookUrl, allowEmpty: true);
        RequirePositive(failures, "Sandbox:Stripe:WebhookTimeout", options.Stripe.WebhookTimeout);
        RequirePositive(failures, "Sandbox:Stripe:ExpiryCheckInterval", options.Stripe.ExpiryCheckInterval);

        if (options.Stripe.WebhookRetryDelays?.Any(delay => delay < TimeSpan.Zero) == true)
        {
            failures.Add("Sandbox:Stripe:WebhookRetryDelays must not contain negative delays.");
        }

        if (options.Stripe.DelayedPaymentSettleAfter is { } settleAfter && settleAfter < TimeSpan.Zero)
        {
            failures.Add("Sandbox:Stripe:DelayedPaymentSettleAfter must not be negative.");
        }

        RequireText(failures, "Sandbox:Meta:AppSecret", options.Meta.AppSecret);
        RequireText(failures, "Sandbox:Meta:PageAccessToken", options.Meta.PageAccessToken);
        RequireAbsoluteHttpUrl(failures, "Sandbox:Meta:WebhookUrl", options.Meta.WebhookUrl, allowEmpty: false);
        RequirePositive(failures, "Sandbox:Meta:WebhookTimeout", options.Meta.WebhookTimeout);

        if (!MetaIds.IsNumericId(options.Meta.PageId))
        {
            failures.Add($"Sandbox:Meta:PageId must be a numeric ID, got '{options.Meta.PageId}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireText(List<string> failures, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key} is missing.");
        }
    }

    private static void RequirePositive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{key} must be positive, got {value}.");
        }
    }

    private static void RequireAbsoluteHttpUrl(List<string> failures, string key, string? value, bool allowEmpty)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (!allowEmpty)
            {
                failures.Add($"{key} is missing.");
            }

            return;
        }

        if (!SandboxUrls.IsAbsoluteHttpUrl(value))
        {
            failures.Add($"{key} must be an absolute http or https URL, got '{value}'.");
        }
    }
}
