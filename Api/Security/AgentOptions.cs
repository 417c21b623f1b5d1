namespace KlmSocialPay.Api.Security;

/// <summary>
/// The agents allowed to call the agent API, bound from the configuration section <c>Agents</c>:
/// <c>Agents:Keys:{agentId} = {key}</c>. Each agent sends its key as <c>Authorization: Bearer {key}</c>.
/// </summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agents";

    public Dictionary<string, string> Keys { get; set; } = [];
}
