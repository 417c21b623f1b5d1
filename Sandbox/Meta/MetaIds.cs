namespace KlmSocialPay.Sandbox;

internal static class MetaIds
{
    /// <summary>Whether <paramref name="value"/> looks like a Page ID or PSID: 1 to 20 ASCII digits.</summary>
    public static bool IsNumericId(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 20 && value.All(char.IsAsciiDigit);
}
