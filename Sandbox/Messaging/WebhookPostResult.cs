namespace KlmSocialPay.Sandbox.Messaging;

/// <summary>The product's response to one webhook POST: its status code, or why none arrived.</summary>
internal sealed record WebhookPostResult(int? StatusCode, string? Error)
{
    public bool Accepted => StatusCode is >= 200 and < 300;
}
