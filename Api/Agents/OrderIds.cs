using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace KlmSocialPay.Api.Agents;

/// <summary>The form of order ids: <c>ord_</c> and 32 lower-case hex digits.</summary>
public static partial class OrderIds
{
    [GeneratedRegex("^ord_[0-9a-f]{32}$")]
    private static partial Regex Pattern();

    public static bool IsOrderId([NotNullWhen(true)] string? value) => value is not null && Pattern().IsMatch(value);
}
