namespace KlmSocialPay.Grains.Messages;

/// <summary>The languages customer-facing messages are written in, as ISO 639-1 codes.</summary>
public static class Languages
{
    public const string Default = "en";

    public static readonly IReadOnlyList<string> Supported = ["en", "nl", "fr", "de", "es", "it", "pt"];

    public static bool IsSupported(string? language) => language is not null && Supported.Contains(language);

    /// <summary>Picks the first supported language of the candidates, else English.</summary>
    public static string Resolve(params string?[] candidates) => candidates.FirstOrDefault(IsSupported) ?? Default;
}
