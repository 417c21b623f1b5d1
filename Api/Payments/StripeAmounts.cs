namespace KlmSocialPay.Api.Payments;

/// <summary>
/// Converts amounts between ISO 4217 minor units (the product's) and the units Stripe's API takes, which
/// differ for a few currencies (Stripe's "Supported currencies" page, special cases):
/// ISK has no minor unit in ISO 4217, but Stripe still takes it with two decimals and only in whole krónur
/// (multiples of 100); MGA has two decimals in ISO 4217, but Stripe takes it as zero-decimal.
/// Stripe also charges three-decimal currencies (BHD, JOD, KWD, OMR, TND) only in multiples of 10.
/// </summary>
public static class StripeAmounts
{
    public static long ToStripe(string currency, long minorUnits) => currency switch
    {
        "ISK" => checked(minorUnits * 100),
        "MGA" => minorUnits / 100,
        _ => minorUnits,
    };

    /// <summary>Returns the amount in ISO minor units, or null when Stripe's amount has no exact equivalent.</summary>
    public static long? FromStripe(string? currency, long? stripeAmount) => (currency, stripeAmount) switch
    {
        (_, null) => null,
        ("ISK", { } amount) => amount % 100 == 0 ? amount / 100 : null,
        ("MGA", { } amount) => amount <= long.MaxValue / 100 && amount >= long.MinValue / 100 ? amount * 100 : null,
        (_, { } amount) => amount,
    };

    /// <summary>Returns why Stripe would reject <paramref name="minorUnits"/> in <paramref name="currency"/>, or null.</summary>
    public static string? Validate(string currency, long minorUnits) => currency switch
    {
        "MGA" when minorUnits % 100 != 0 =>
            $"Stripe charges MGA in whole ariary, so amounts must be a multiple of 100 minor units; got {minorUnits}.",
        "BHD" or "JOD" or "KWD" or "OMR" or "TND" when minorUnits % 10 != 0 =>
            $"Stripe charges {currency} in multiples of 10 minor units; got {minorUnits}.",
        _ => null,
    };
}
