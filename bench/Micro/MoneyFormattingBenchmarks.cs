using System.Globalization;
using BenchmarkDotNet.Attributes;
using KlmSocialPay.Grains.Messages;
using MoneyAmount = KlmSocialPay.Grains.Money.Money;

namespace KlmSocialPay.Micro;

/// <summary>Customer-facing amounts through <see cref="MoneyFormatter"/>, once per payment link message.</summary>
[MemoryDiagnoser]
public class MoneyFormattingBenchmarks
{
    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    private readonly MoneyAmount euros = new(123_456, "EUR");
    private readonly MoneyAmount yen = new(54_000, "JPY");
    private readonly MoneyAmount dinars = new(12_345, "KWD");

    [Benchmark]
    public string EurosInDutch() => MoneyFormatter.Format(euros, Dutch);

    [Benchmark]
    public string EurosInEnglish() => MoneyFormatter.Format(euros, English);

    [Benchmark]
    public string YenInEnglish() => MoneyFormatter.Format(yen, English);

    [Benchmark]
    public string DinarsInEnglish() => MoneyFormatter.Format(dinars, English);
}
