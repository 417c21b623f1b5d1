namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>Ends request handling with a Stripe-shaped error response. Parsers and state changes raise it.</summary>
internal sealed class StripeRequestException(StripeApiError error) : Exception(error.Message)
{
    public StripeApiError Error { get; } = error;
}
