namespace KlmSocialPay.Api.Operations;

/// <summary>
/// Who may use the operations endpoints, bound from the configuration section <c>Operations</c>.
/// <c>Operations:Users:{name} = {password}</c> lists the operations users, who sign in with HTTP Basic.
/// <c>Operations:MetricsScrapeToken</c> is an optional bearer token that lets a scraper read <c>/metrics</c>
/// only. When it is empty, <c>/metrics</c> takes operations users only.
/// </summary>
public sealed class OperationsOptions
{
    public const string SectionName = "Operations";

    public Dictionary<string, string> Users { get; set; } = [];

    public string MetricsScrapeToken { get; set; } = "";

    public DashboardSettings Dashboard { get; set; } = new();

    /// <summary>The section <c>Operations:Dashboard</c>.</summary>
    public sealed class DashboardSettings
    {
        /// <summary>
        /// Whether the dashboard returns a grain's persisted state. Off by default, because conversation and
        /// order state contains customers' message text and ids.
        /// </summary>
        public bool ShowGrainState { get; set; }
    }
}
