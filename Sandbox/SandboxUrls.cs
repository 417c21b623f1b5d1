namespace KlmSocialPay.Sandbox;

internal static class SandboxUrls
{
    public static bool IsAbsoluteHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>Joins the configured public base URL and an absolute path, whether or not the base ends in '/'.</summary>
    public static string Combine(string baseUrl, string absolutePath) => baseUrl.TrimEnd('/') + absolutePath;
}
