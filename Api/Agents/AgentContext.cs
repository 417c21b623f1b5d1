using System.Security.Claims;

namespace KlmSocialPay.Api.Agents;

internal static class AgentContext
{
    /// <summary>Returns the authenticated agent's id, set by the agent key handler.</summary>
    public static string AgentId(this ClaimsPrincipal user) =>
        user.Identity?.Name ?? throw new InvalidOperationException("The agent API was called without an authenticated agent.");
}
