using System.Globalization;

namespace KlmSocialPay.Sandbox.X;

/// <summary>Identifiers in X's formats: 64-bit snowflake ids written as decimal strings, and t.co link codes.</summary>
internal static class XIds
{
    /// <summary>Whether <paramref name="value"/> is a positive 64-bit id of 1 to 19 ASCII digits, as X writes user and event ids.</summary>
    public static bool IsId(string? value) =>
        !string.IsNullOrEmpty(value)
        && value.Length <= 19
        && value.All(char.IsAsciiDigit)
        && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
        && id > 0;

    /// <summary>A random 19-digit id, the length of X's current snowflakes.</summary>
    public static string NewId() =>
        Random.Shared.NextInt64(1_000_000_000_000_000_000, long.MaxValue).ToString(CultureInfo.InvariantCulture);

    /// <summary>A t.co short link, as X puts in place of every URL in a DM's text.</summary>
    public static string NewShortLink() => "https://t.co/" + SandboxIds.New("", 10);

    /// <summary>
    /// The id of the one-to-one conversation between two users: the two ids joined by '-', lower id first,
    /// as X's <c>dm_conversation_id</c> reads.
    /// </summary>
    public static string OneToOneConversationId(string first, string second)
    {
        var firstId = long.Parse(first, CultureInfo.InvariantCulture);
        var secondId = long.Parse(second, CultureInfo.InvariantCulture);
        return firstId <= secondId ? $"{first}-{second}" : $"{second}-{first}";
    }
}
