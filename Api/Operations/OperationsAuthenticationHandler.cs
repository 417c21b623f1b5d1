using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;

namespace KlmSocialPay.Api.Operations;

/// <summary>
/// Authenticates operations users by HTTP Basic (RFC 7617), which a browser sends by itself after the
/// 401 challenge, and a metrics scraper by the bearer token <c>Operations:MetricsScrapeToken</c>.
/// User names and secrets are compared as SHA-256 digests in constant time, against every configured user,
/// so timing reveals neither a valid name nor a password's prefix.
/// </summary>
public sealed class OperationsAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    IOptionsMonitor<OperationsOptions> operations,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Operations";

    /// <summary>Role of an operations user: dashboard and metrics.</summary>
    public const string OperatorRole = "operations";

    /// <summary>Role of a holder of the scrape token: metrics only.</summary>
    public const string MetricsScraperRole = "metrics-scraper";

    public const string Realm = "KlmSocialPay operations";

    /// <summary>The challenge that makes a browser show its sign-in prompt. Credentials are read as UTF-8.</summary>
    public const string BasicChallenge = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateBasic(header["Basic ".Length..].Trim()));
        }

        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateScrapeToken(header["Bearer ".Length..].Trim()));
        }

        return Task.FromResult(AuthenticateResult.NoResult());
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = BasicChallenge;
        await Results.Problem(
            title: "Unauthorized",
            detail: "Sign in as an operations user (HTTP Basic, configured as Operations:Users:{name}).",
            statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(
            title: "Forbidden",
            detail: "This endpoint is for operations users; the metrics scrape token opens /metrics only.",
            statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(Context);
    }

    private AuthenticateResult AuthenticateBasic(string encoded)
    {
        if (!TryDecodeBasic(encoded, out var userName, out var password))
        {
            Logger.LogWarning("Operations sign-in with malformed Basic credentials from {RemoteIp}", Context.Connection.RemoteIpAddress);
            return AuthenticateResult.Fail("Malformed Basic credentials.");
        }

        var presentedName = SHA256.HashData(Encoding.UTF8.GetBytes(userName));
        var presentedPassword = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        string? matchedUser = null;
        foreach (var (name, configuredPassword) in operations.CurrentValue.Users)
        {
            // Both digests are compared for every user, with & rather than &&, so the time taken does not
            // depend on which user name matched.
            var nameMatches = CryptographicOperations.FixedTimeEquals(presentedName, SHA256.HashData(Encoding.UTF8.GetBytes(name)));
            var passwordMatches = CryptographicOperations.FixedTimeEquals(
                presentedPassword, SHA256.HashData(Encoding.UTF8.GetBytes(configuredPassword ?? "")));
            if (nameMatches & passwordMatches & !string.IsNullOrEmpty(configuredPassword))
            {
                matchedUser = name;
            }
        }

        if (matchedUser is null)
        {
            Logger.LogWarning("Operations sign-in with an unknown user name or a wrong password from {RemoteIp}", Context.Connection.RemoteIpAddress);
            return AuthenticateResult.Fail("Unknown operations user or wrong password.");
        }

        return Success(matchedUser, OperatorRole);
    }

    /// <summary>
    /// Accepts the configured scrape token. Any other bearer token gets no result rather than a failure,
    /// because it may be an agent's key, which the authorization policy then rejects.
    /// </summary>
    private AuthenticateResult AuthenticateScrapeToken(string token)
    {
        var configured = operations.CurrentValue.MetricsScrapeToken;
        if (string.IsNullOrEmpty(configured) || string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var matches = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(token)), SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
        return matches ? Success(MetricsScraperRole, MetricsScraperRole) : AuthenticateResult.NoResult();
    }

    /// <summary>Decodes <c>base64(user-id ":" password)</c>. The user id ends at the first colon (RFC 7617).</summary>
    private static bool TryDecodeBasic(string encoded, out string userName, out string password)
    {
        userName = "";
        password = "";

        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(encoded, buffer, out var length))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        userName = decoded[..colon];
        password = decoded[(colon + 1)..];
        return true;
    }

    private AuthenticateResult Success(string name, string role)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
