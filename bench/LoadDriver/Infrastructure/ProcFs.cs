using System.Globalization;

namespace KlmSocialPay.LoadDriver.Infrastructure;

/// <summary>Reads process and machine counters from Linux's /proc.</summary>
public static class ProcFs
{
    /// <summary>Clock ticks per second of the utime and stime fields (USER_HZ), 100 on Linux x86-64.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>VmRSS and VmHWM of a process, in bytes.</summary>
    public static (long Rss, long Peak) ReadMemory(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = ParseKilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = ParseKilobytes(line);
            }
        }

        return (rss, peak);
    }

    /// <summary>
    /// CPU seconds a process used (utime + stime), plus those of its exited and reaped children (cutime +
    /// cstime) when <paramref name="includeReapedChildren"/> is true. Null when the process is gone.
    /// </summary>
    public static double? ReadCpuSeconds(int pid, bool includeReapedChildren)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name in field 2 may contain spaces, so fields are counted from its closing bracket.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (includeReapedChildren)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>The direct children of a process, from /proc/{pid}/task/*/children.</summary>
    public static IReadOnlyList<int> ReadChildren(int pid)
    {
        var children = new List<int>();
        var taskDirectory = $"/proc/{pid}/task";
        if (!Directory.Exists(taskDirectory))
        {
            return children;
        }

        foreach (var task in Directory.EnumerateDirectories(taskDirectory))
        {
            try
            {
                var text = File.ReadAllText(Path.Combine(task, "children"));
                children.AddRange(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(id => int.Parse(id, CultureInfo.InvariantCulture)));
            }
            catch (IOException)
            {
            }
        }

        return children;
    }

    /// <summary>Busy and total CPU seconds of the whole machine since boot, summed over all cores (/proc/stat).</summary>
    public static (double Busy, double Total) ReadMachineCpu()
    {
        var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(value => long.Parse(value, CultureInfo.InvariantCulture)).ToArray();

        // user nice system idle iowait irq softirq steal
        var idle = values[3] + values[4];
        var total = values.Sum();
        return ((total - idle) / TicksPerSecond, total / TicksPerSecond);
    }

    /// <summary>The 1-minute load average.</summary>
    public static double ReadLoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    private static long ParseKilobytes(string line) =>
        long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
