using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;

namespace KlmSocialPay.Api.Security;

/// <summary>
/// Authenticates agents by the bearer key configured for them. The agent id becomes the name claim.
/// Keys are compared as SHA-256 digests in constant time, so timing does not reveal a key's prefix.
/// </summary>
public sealed class AgentKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    IOptionsMonitor<AgentOptions> agents,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "AgentKey";

    public const string AgentRole = "agent";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        string? agentId = null;
        foreach (var (id, key) in agents.CurrentValue.Keys)
        {
            var expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));
            if (CryptographicOperations.FixedTimeEquals(presented, expected) && !string.IsNullOrEmpty(key))
            {
                agentId = id;
            }
        }

        if (agentId is null)
        {
            Logger.LogWarning("Agent API call with an unknown key from {RemoteIp}", Context.Connection.RemoteIpAddress);
            return Task.FromResult(AuthenticateResult.Fail("Unknown agent key."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, agentId), new Claim(ClaimTypes.Role, AgentRole)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
            title: "Unauthorized",
            detail: "Send a configured agent key as 'Authorization: Bearer <key>'.",
            statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(Context);
    }
}
