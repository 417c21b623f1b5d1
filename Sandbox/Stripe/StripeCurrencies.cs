using System.Collections.Frozen;
using System.Globalization;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// Currency rules of the Stripe API: lower-case ISO 4217 codes, amounts in minor units, and Stripe's own
/// exponent lists (https://docs.stripe.com/currencies), which differ from ISO 4217 for a few codes
/// (Stripe treats ISK and HUF amounts as two-decimal, for example).
/// </summary>
internal static class StripeCurrencies
{
    /// <summary>Stripe's zero-decimal currencies: the amount is in major units.</summary>
    private static readonly FrozenSet<string> ZeroDecimal = FrozenSet.ToFrozenSet(
    [
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    ]);

    /// <summary>Stripe's three-decimal currencies. Stripe requires the last digit of their amounts to be 0.</summary>
    private static readonly FrozenSet<string> ThreeDecimal = FrozenSet.ToFrozenSet(["bhd", "jod", "kwd", "omr", "tnd"]);

    // NOTE: active ISO 4217 codes without the ones under sanctions (cup, irr, kpw, syp). Stripe's presentment
    // list is narrower and depends on the account, so the sandbox accepts a few codes Stripe would reject.
    private static readonly FrozenSet<string> Known = FrozenSet.ToFrozenSet(
    [
        "aed", "afn", "all", "amd", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt", "bgn", "bhd", "bif",
        "bmd", "bnd", "bob", "brl", "bsd", "btn", "bwp", "byn", "bzd", "cad", "cdf", "chf", "clp", "cny", "cop",
        "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "ern", "etb", "eur", "fjd", "fkp", "gbp", "gel",
        "ghs", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils", "inr", "iqd", "isk",
        "jmd", "jod", "jpy", "kes", "kgs", "khr", "kmf", "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd",
        "lsl", "lyd", "mad", "mdl", "mga", "mkd", "mmk", "mnt", "mop", "mru", "mur", "mvr", "mwk", "mxn", "myr",
        "mzn", "nad", "ngn", "nio", "nok", "npr", "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg",
        "qar", "ron", "rsd", "rub", "rwf", "sar", "sbd", "scr", "sdg", "sek", "sgd", "shp", "sle", "sos", "srd",
        "ssp", "stn", "svc", "szl", "thb", "tjs", "tmt", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx",
        "usd", "uyu", "uzs", "ves", "vnd", "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw", "zwg",
    ]);

    /// <summary>Stripe's largest amount for a single charge, in minor units (eight digits).</summary>
    public const long MaximumAmount = 99_999_999;

    public static bool IsSupported(string currency) => Known.Contains(currency);

    public static bool IsThreeDecimal(string currency) => ThreeDecimal.Contains(currency);

    /// <summary>Number of decimals of the minor unit the API uses for <paramref name="currency"/>.</summary>
    public static int Exponent(string currency) =>
        ZeroDecimal.Contains(currency) ? 0 : ThreeDecimal.Contains(currency) ? 3 : 2;

    /// <summary>
    /// Formats minor units as a decimal amount and upper-case code, e.g. 1500 eur as "15.00 EUR",
    /// 1500 jpy as "1500 JPY" and 1500 kwd as "1.500 KWD". Integer arithmetic only.
    /// </summary>
    public static string Format(long amount, string currency)
    {
        var exponent = Exponent(currency);
        var code = currency.ToUpperInvariant();
        var sign = amount < 0 ? "-" : "";

        // Negating long.MinValue overflows, so the magnitude is computed in ulong.
        var magnitude = amount < 0 ? (ulong)(-(amount + 1)) + 1 : (ulong)amount;

        if (exponent == 0)
        {
            return $"{sign}{magnitude.ToString(CultureInfo.InvariantCulture)} {code}";
        }

        var divisor = exponent == 3 ? 1000UL : 100UL;
        var major = magnitude / divisor;
        var minor = (magnitude % divisor).ToString(CultureInfo.InvariantCulture).PadLeft(exponent, '0');

        return $"{sign}{major.ToString(CultureInfo.InvariantCulture)}.{minor} {code}";
    }
}
