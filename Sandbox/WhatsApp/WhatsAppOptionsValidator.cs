using Microsoft.Extensions.Options;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>Rejects <c>Sandbox:WhatsApp</c> settings that would make the stand-in fail later, at the first request that needs them.</summary>
internal sealed class WhatsAppOptionsValidator : IValidateOptions<SandboxOptions>
{
    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        var settings = options.WhatsApp;
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(settings.AppSecret))
        {
            failures.Add("Sandbox:WhatsApp:AppSecret is missing.");
        }

        if (string.IsNullOrWhiteSpace(settings.AccessToken))
        {
            failures.Add("Sandbox:WhatsApp:AccessToken is missing.");
        }

        foreach (var (key, value) in new[]
        {
            ("PhoneNumberId", settings.PhoneNumberId),
            ("DisplayPhoneNumber", settings.DisplayPhoneNumber),
            ("BusinessAccountId", settings.BusinessAccountId),
        })
        {
            if (!MetaIds.IsNumericId(value))
            {
                failures.Add($"Sandbox:WhatsApp:{key} must be 1 to 20 digits, got '{value}'.");
            }
        }

        if (string.IsNullOrEmpty(settings.WebhookUrl) || !SandboxUrls.IsAbsoluteHttpUrl(settings.WebhookUrl))
        {
            failures.Add($"Sandbox:WhatsApp:WebhookUrl must be an absolute http or https URL, got '{settings.WebhookUrl}'.");
        }

        foreach (var (key, value) in new[]
        {
            ("WebhookTimeout", settings.WebhookTimeout),
            ("NoAnswerHold", settings.NoAnswerHold),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Sandbox:WhatsApp:{key} must be positive, got {value}.");
            }
        }

        if (settings.StatusDelay < TimeSpan.Zero)
        {
            failures.Add($"Sandbox:WhatsApp:StatusDelay must not be negative, got {settings.StatusDelay}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
