using System.Collections.Frozen;

namespace KlmSocialPay.Grains.Money;

/// <summary>
/// The active ISO 4217 currency codes with their minor-unit exponent (the number of decimal places of the
/// minor unit): 0 for JPY, 2 for EUR, 3 for KWD. Source: the ISO 4217 list one, as published by SIX.
/// </summary>
public static class CurrencyCatalog
{
    private static readonly string[] ZeroDecimal =
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];

    private static readonly string[] ThreeDecimal = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

    private static readonly string[] TwoDecimal =
    [
        "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BMD", "BND",
        "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CNY", "COP", "CRC", "CUP", "CVE",
        "CZK", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD",
        "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR", "KPW",
        "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU",
        "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK",
        "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE",
        "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS",
        "UAH", "USD", "UYU", "UZS", "VES", "WST", "XCD", "YER", "ZAR", "ZMW", "ZWG",
    ];

    private static readonly FrozenDictionary<string, int> Exponents =
        ZeroDecimal.Select(code => (code, exponent: 0))
            .Concat(TwoDecimal.Select(code => (code, exponent: 2)))
            .Concat(ThreeDecimal.Select(code => (code, exponent: 3)))
            .ToFrozenDictionary(pair => pair.code, pair => pair.exponent, StringComparer.Ordinal);

    /// <summary>Returns whether <paramref name="code"/> is an active ISO 4217 code in upper case.</summary>
    public static bool IsKnown(string? code) => code is not null && Exponents.ContainsKey(code);

    /// <summary>Returns the minor-unit exponent of <paramref name="code"/>.</summary>
    /// <exception cref="ArgumentException">The code is not an active ISO 4217 code.</exception>
    public static int MinorUnitExponent(string code) =>
        Exponents.TryGetValue(code, out var exponent)
            ? exponent
            : throw new ArgumentException($"'{code}' is not an ISO 4217 currency code.", nameof(code));

    /// <summary>Returns 10 to the power of the exponent: the number of minor units in one major unit.</summary>
    public static long MinorUnitsPerMajor(string code) => MinorUnitExponent(code) switch
    {
        0 => 1,
        2 => 100,
        _ => 1000,
    };
}
