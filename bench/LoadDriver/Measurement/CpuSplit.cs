using KlmSocialPay.LoadDriver.Infrastructure;

namespace KlmSocialPay.LoadDriver.Measurement;

/// <summary>
/// CPU seconds used by the silo, the PostgreSQL server (postmaster, its live backends and the backends it
/// reaped), this driver and the rest of the machine between <see cref="Start"/> and <see cref="Stop"/>.
/// "Other" is the machine's busy time minus the three, so it shows load from other processes.
/// </summary>
public sealed class CpuSplit
{
    private readonly Func<int?> siloPid;
    private readonly Func<int?> postmasterPid;
    private Sample start;
    private Sample end;
    private long startTimestamp;
    private TimeSpan elapsed;

    public CpuSplit(Func<int?> siloPid, Func<int?> postmasterPid)
    {
        this.siloPid = siloPid;
        this.postmasterPid = postmasterPid;
    }

    public void Start()
    {
        start = Take();
        startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public void Stop()
    {
        end = Take();
        elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp);
    }

    public double WallSeconds => elapsed.TotalSeconds;

    public double SiloSeconds => end.Silo - start.Silo;

    public double PostgresSeconds => end.Postgres - start.Postgres;

    public double DriverSeconds => end.Driver - start.Driver;

    public double MachineBusySeconds => end.MachineBusy - start.MachineBusy;

    public double OtherSeconds => Math.Max(0, MachineBusySeconds - SiloSeconds - PostgresSeconds - DriverSeconds);

    /// <summary>Capacity of the window: wall time × cores.</summary>
    public double CapacitySeconds => WallSeconds * Environment.ProcessorCount;

    public IReadOnlyList<string> Describe() =>
    [
        $"CPU over {WallSeconds:0.0} s on {Environment.ProcessorCount} cores ({CapacitySeconds:0.0} core-seconds): " +
        $"silo {SiloSeconds:0.0} s ({Share(SiloSeconds)}), PostgreSQL {PostgresSeconds:0.0} s ({Share(PostgresSeconds)}), " +
        $"driver {DriverSeconds:0.0} s ({Share(DriverSeconds)}), other processes {OtherSeconds:0.0} s ({Share(OtherSeconds)}), " +
        $"idle {Math.Max(0, CapacitySeconds - MachineBusySeconds):0.0} s.",
    ];

    private string Share(double seconds) => CapacitySeconds > 0 ? $"{seconds / CapacitySeconds:P0}" : "n/a";

    private Sample Take()
    {
        var silo = siloPid() is { } pid ? ProcFs.ReadCpuSeconds(pid, includeReapedChildren: false) ?? 0 : 0;
        var postgres = 0.0;
        if (postmasterPid() is { } postmaster)
        {
            postgres = ProcFs.ReadCpuSeconds(postmaster, includeReapedChildren: true) ?? 0;
            postgres += ProcFs.ReadChildren(postmaster).Sum(child => ProcFs.ReadCpuSeconds(child, includeReapedChildren: false) ?? 0);
        }

        var driver = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var machine = ProcFs.ReadMachineCpu().Busy;
        return new Sample(silo, postgres, driver, machine);
    }

    private readonly record struct Sample(double Silo, double Postgres, double Driver, double MachineBusy);
}
