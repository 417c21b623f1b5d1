using System.Collections.Frozen;
using System.Globalization;

namespace KlmSocialPay.Grains.Messages;

/// <summary>
/// Formats money for customers in a culture's own way (<c>€ 45,00</c> in Dutch, <c>€45.00</c> in English)
/// using integer arithmetic on the minor units, so no amount passes through floating point.
/// </summary>
public static class MoneyFormatter
{
    private static readonly FrozenDictionary<string, string> Symbols = new Dictionary<string, string>
    {
        ["EUR"] = "€",
        ["USD"] = "US$",
        ["GBP"] = "£",
        ["JPY"] = "¥",
        ["CNY"] = "CN¥",
        ["INR"] = "₹",
        ["KRW"] = "₩",
        ["BRL"] = "R$",
        ["CAD"] = "CA$",
        ["AUD"] = "A$",
        ["TRY"] = "₺",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static string Format(Money.Money amount, CultureInfo culture)
    {
        var numberFormat = culture.NumberFormat;
        var exponent = CurrencyCatalog.MinorUnitExponent(amount.Currency);
        var perMajor = CurrencyCatalog.MinorUnitsPerMajor(amount.Currency);
        var absolute = Math.Abs(amount.MinorUnits);

        var number = (absolute / perMajor).ToString("N0", culture);
        if (exponent > 0)
        {
            var minor = (absolute % perMajor).ToString(CultureInfo.InvariantCulture).PadLeft(exponent, '0');
            number = number + numberFormat.CurrencyDecimalSeparator + minor;
        }

        var symbol = Symbols.GetValueOrDefault(amount.Currency, amount.Currency);
        var formatted = numberFormat.CurrencyPositivePattern switch
        {
            0 => symbol + number,
            1 => number + symbol,
            2 => symbol + " " + number,
            _ => number + " " + symbol,
        };

        return amount.MinorUnits < 0 ? numberFormat.NegativeSign + formatted : formatted;
    }
}
