using Orleans.Configuration;
using Orleans.Hosting;

namespace KlmSocialPay.Silo.Hosting;

/// <summary>
/// Binds <c>Orleans:Membership</c> to Orleans' <see cref="ClusterMembershipOptions"/>, so that an operator (or a
/// test) can change how fast a dead silo is detected. Keys that are not set keep the Orleans 10 defaults:
/// <c>ProbeTimeout</c> 00:00:05, <c>NumMissedProbesLimit</c> 3, <c>NumVotesForDeathDeclaration</c> 2,
/// <c>TableRefreshTimeout</c> 00:01:00 and <c>IAmAliveTablePublishTimeout</c> 00:00:30.
/// </summary>
public static class ClusterMembershipSetup
{
    public const string SectionName = "Orleans:Membership";

    public static ISiloBuilder UseKlmSocialPayMembership(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection(SectionName));
        return silo;
    }
}
