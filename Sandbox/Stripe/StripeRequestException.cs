namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>Ends request handling with a Stripe-shaped error response; raised by parsers and state changes.</summary>
internal sealed class StripeRequestException(StripeApiError error) : Exception(error.Message)
{
    public StripeApiError Error { get; } = error;
}
