using System.Globalization;
using KlmSocialPay.Grains.Messages;
using KlmSocialPay.Grains.Money;

namespace KlmSocialPay.Tests.Domain;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("EUR", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("KWD", 3)]
    [InlineData("BHD", 3)]
    [InlineData("USD", 2)]
    public void Exponent_FollowsIso4217(string currency, int exponent)
    {
        Assert.Equal(exponent, CurrencyCatalog.MinorUnitExponent(currency));
    }

    [Theory]
    [InlineData("eur")]
    [InlineData("EURO")]
    [InlineData("XYZ")]
    [InlineData("")]
    public void UnknownCurrency_IsRejected(string currency)
    {
        Assert.Throws<ArgumentException>(() => new Money(100, currency));
    }

    [Fact]
    public void Sum_AddsMinorUnitsExactly()
    {
        var total = Money.Sum([new Money(1999, "EUR"), new Money(1, "EUR"), new Money(4500, "EUR")], "EUR");

        Assert.Equal(new Money(6500, "EUR"), total);
    }

    [Fact]
    public void Sum_OfNothing_IsZero()
    {
        Assert.Equal(0, Money.Sum([], "JPY").MinorUnits);
    }

    [Fact]
    public void Add_DifferentCurrencies_Raises()
    {
        Assert.Throws<CurrencyMismatchException>(() => new Money(100, "EUR").Add(new Money(100, "USD")));
    }

    [Fact]
    public void Add_Overflow_Raises()
    {
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue, "EUR").Add(new Money(1, "EUR")));
    }

    [Fact]
    public void Subtract_GoesBelowZero()
    {
        Assert.Equal(-50, new Money(100, "EUR").Subtract(new Money(150, "EUR")).MinorUnits);
    }

    [Theory]
    [InlineData(4500, "EUR", "45.00")]
    [InlineData(5, "EUR", "0.05")]
    [InlineData(1500, "JPY", "1500")]
    [InlineData(12340, "KWD", "12.340")]
    [InlineData(1, "KWD", "0.001")]
    [InlineData(-250, "USD", "-2.50")]
    public void InvariantDecimalString_UsesCurrencyExponent(long minorUnits, string currency, string expected)
    {
        Assert.Equal(expected, new Money(minorUnits, currency).ToInvariantDecimalString());
    }

    [Theory]
    [InlineData(4500, "EUR", "nl-NL", "€ 45,00")]
    [InlineData(4500, "EUR", "en-GB", "€45.00")]
    [InlineData(123456789, "EUR", "en-GB", "€1,234,567.89")]
    [InlineData(1500, "JPY", "en-GB", "¥1,500")]
    [InlineData(12340, "KWD", "en-GB", "KWD12.340")]
    public void Formatter_FollowsCulture(long minorUnits, string currency, string culture, string expected)
    {
        var formatted = MoneyFormatter.Format(new Money(minorUnits, currency), CultureInfo.GetCultureInfo(culture));

        Assert.Equal(expected, formatted.Replace('\u00a0', ' ').Replace('\u202f', ' '));
    }
}
