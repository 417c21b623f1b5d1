using System.Globalization;

namespace KlmSocialPay.Grains.Money;

/// <summary>
/// An amount of money: integer minor units (cents for EUR, yen for JPY, fils for KWD) and an ISO 4217 code.
/// Arithmetic is checked, so an overflow raises instead of wrapping.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct Money
{
    public Money(long minorUnits, string currency)
    {
        if (!CurrencyCatalog.IsKnown(currency))
        {
            throw new ArgumentException($"'{currency}' is not an ISO 4217 currency code in upper case.", nameof(currency));
        }

        MinorUnits = minorUnits;
        Currency = currency;
    }

    [Id(0)] public long MinorUnits { get; init; }

    [Id(1)] public string Currency { get; init; }

    public static Money Zero(string currency) => new(0, currency);

    public Money Add(Money other)
    {
        EnsureSameCurrency(other);
        return new Money(checked(MinorUnits + other.MinorUnits), Currency);
    }

    public Money Subtract(Money other)
    {
        EnsureSameCurrency(other);
        return new Money(checked(MinorUnits - other.MinorUnits), Currency);
    }

    public Money Multiply(int quantity) => new(checked(MinorUnits * quantity), Currency);

    /// <summary>Sums amounts of one currency; an empty sequence sums to zero in <paramref name="currency"/>.</summary>
    public static Money Sum(IEnumerable<Money> amounts, string currency) =>
        amounts.Aggregate(Zero(currency), (total, amount) => total.Add(amount));

    /// <summary>
    /// Formats the amount as a plain decimal string with a point and the currency's number of decimals
    /// ("15.00", "1500", "1.250"), built with integer arithmetic.
    /// </summary>
    public string ToInvariantDecimalString()
    {
        var exponent = CurrencyCatalog.MinorUnitExponent(Currency);
        var perMajor = CurrencyCatalog.MinorUnitsPerMajor(Currency);
        var sign = MinorUnits < 0 ? "-" : string.Empty;
        var absolute = MinorUnits == long.MinValue ? throw new OverflowException() : Math.Abs(MinorUnits);
        var major = (absolute / perMajor).ToString(CultureInfo.InvariantCulture);

        if (exponent == 0)
        {
            return sign + major;
        }

        var minor = (absolute % perMajor).ToString(CultureInfo.InvariantCulture).PadLeft(exponent, '0');
        return $"{sign}{major}.{minor}";
    }

    public override string ToString() => $"{ToInvariantDecimalString()} {Currency}";

    private void EnsureSameCurrency(Money other)
    {
        if (!string.Equals(Currency, other.Currency, StringComparison.Ordinal))
        {
            throw new CurrencyMismatchException(Currency, other.Currency);
        }
    }
}

/// <summary>Raised when two amounts of different currencies are combined.</summary>
[GenerateSerializer]
public sealed class CurrencyMismatchException(string expected, string actual)
    : InvalidOperationException($"Cannot combine {expected} with {actual}.");
