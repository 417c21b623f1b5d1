using System.Globalization;

namespace KlmSocialPay.LoadDriver;

/// <summary>Command-line settings of the load driver. Every value has a default that matches a full run.</summary>
public sealed class DriverOptions
{
    public string Scenarios { get; private set; } = "A,B,C,E,D";

    /// <summary>Repository root whose Silo is published; found from the current folder when not given.</summary>
    public string? Source { get; private set; }

    /// <summary>An already published KlmSocialPay.Silo.dll; skips the publish step.</summary>
    public string? SiloDll { get; private set; }

    public string? WorkDirectory { get; private set; }

    public string Results { get; private set; } = "loaddriver-results.md";

    public bool Keep { get; private set; }

    /// <summary>Npgsql connection string keywords appended to the silo's storage connection string, such as "Max Auto Prepare=20".</summary>
    public string? StorageOptions { get; private set; }

    /// <summary>Extra environment variables or configuration keys for the silo, from repeated --silo-env KEY=VALUE.</summary>
    public Dictionary<string, string> SiloSettings { get; } = new(StringComparer.Ordinal);

    public double MaxMinutes { get; private set; } = 30;

    public int Agents { get; private set; } = 32;

    public double WarmupSeconds { get; private set; } = 5;

    public double ARate { get; private set; } = 2000;
    public double ASeconds { get; private set; } = 60;
    public int AClients { get; private set; }
    public int APsids { get; private set; } = 20_000;
    public int AMaxInFlight { get; private set; } = 512;

    public double BRate { get; private set; } = 300;
    public double BSeconds { get; private set; } = 60;
    public int BClients { get; private set; }
    public int BMaxInFlight { get; private set; } = 512;

    public double CSeconds { get; private set; } = 15;
    public string CClients { get; private set; } = "16,32,64";
    public int CRows { get; private set; } = 100_000;

    public int DConversations { get; private set; } = 100_000;
    public int DOrders { get; private set; } = 10_000;
    public int DStoredOrders { get; private set; } = 1_000_000;
    public double DIdleWaitSeconds { get; private set; } = 60;
    public int DClients { get; private set; } = 64;

    public int EMessages { get; private set; } = 35_000;
    public int EPaidEvery { get; private set; } = 10;
    public int EClients { get; private set; } = 64;
    public int ECustomers { get; private set; } = 12_000;

    public static string Usage =>
        """
        KlmSocialPay load driver: starts a throwaway PostgreSQL and the Silo (Release, sandbox on) on 127.0.0.1
        and drives it over HTTP. Options (defaults in brackets):
          --scenarios LIST        scenarios to run, in this order [A,B,C,E,D]
          --source DIR            repository root to publish Silo/Silo.csproj from [found upward from here]
          --silo-dll PATH         run this published KlmSocialPay.Silo.dll instead of publishing
          --work DIR              folder for PostgreSQL data, the silo build and logs [a new temp folder]
          --results FILE          Markdown results file [loaddriver-results.md]
          --keep                  keep the work folder after the run
          --storage-options TEXT  Npgsql keywords appended to the silo's connection string,
                                  e.g. "Max Auto Prepare=20" [none: the product's defaults]
          --silo-env KEY=VALUE    extra environment variable or configuration key (':' allowed) for the
                                  silo, repeatable; e.g. DOTNET_PerfMapEnabled=1 for perf symbols
          --max-minutes N         stop everything after N minutes [30]
          --agents N              agent keys configured, flows spread over them [32]
          --warmup-seconds S      unmeasured warm-up before A and B, at half the rate [5]
          --a-rate R --a-seconds S --a-clients N --a-psids N --a-max-in-flight N
                                  A: webhooks/s [2000] for S s [60]; N>0 clients closed loop instead [0];
                                  distinct PSIDs [20000]; open calls at most [512]
          --b-rate R --b-seconds S --b-clients N --b-max-in-flight N
                                  B: flows/s [300] for S s [60]; N>0 clients closed loop instead [0]
          --c-seconds S --c-clients LIST --c-rows N
                                  C: pgbench S s [15] per client count [16,32,64] over N rows [100000]
          --d-conversations N --d-orders N --d-stored-orders N --d-idle-wait-seconds S --d-clients N
                                  D: conversations touched [100000], orders read [10000], orders stored
                                  for the large read [1000000], wait before the idle RSS [60], clients [64]
          --e-messages N --e-paid-every N --e-clients N --e-customers N
                                  E: messages [35000], a paid flow every Nth [10], clients [64], PSIDs [12000]
          --smoke                 a run of a few seconds per scenario, to check the tools
        """;

    public static DriverOptions Parse(IReadOnlyList<string> args)
    {
        var options = new DriverOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {name} needs a value.");
            double Number() => double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
                ? value
                : throw new ArgumentException($"Option {name} needs a non-negative number, not '{args[i]}'.");
            int Integer() => checked((int)Number());

            switch (name)
            {
                case "--scenarios": options.Scenarios = Value().ToUpperInvariant(); break;
                case "--source": options.Source = Value(); break;
                case "--silo-dll": options.SiloDll = Value(); break;
                case "--work": options.WorkDirectory = Value(); break;
                case "--results": options.Results = Value(); break;
                case "--keep": options.Keep = true; break;
                case "--storage-options": options.StorageOptions = Value(); break;
                case "--silo-env":
                    var pair = Value().Split('=', 2);
                    if (pair.Length != 2 || pair[0].Length == 0)
                    {
                        throw new ArgumentException($"Option --silo-env needs KEY=VALUE, not '{args[i]}'.");
                    }

                    options.SiloSettings[pair[0]] = pair[1];
                    break;
                case "--max-minutes": options.MaxMinutes = Number(); break;
                case "--agents": options.Agents = Math.Max(1, Integer()); break;
                case "--warmup-seconds": options.WarmupSeconds = Number(); break;
                case "--a-rate": options.ARate = Number(); break;
                case "--a-seconds": options.ASeconds = Number(); break;
                case "--a-clients": options.AClients = Integer(); break;
                case "--a-psids": options.APsids = Math.Max(1, Integer()); break;
                case "--a-max-in-flight": options.AMaxInFlight = Math.Max(1, Integer()); break;
                case "--b-rate": options.BRate = Number(); break;
                case "--b-seconds": options.BSeconds = Number(); break;
                case "--b-clients": options.BClients = Integer(); break;
                case "--b-max-in-flight": options.BMaxInFlight = Math.Max(1, Integer()); break;
                case "--c-seconds": options.CSeconds = Number(); break;
                case "--c-clients": options.CClients = Value(); break;
                case "--c-rows": options.CRows = Math.Max(1, Integer()); break;
                case "--d-conversations": options.DConversations = Integer(); break;
                case "--d-orders": options.DOrders = Integer(); break;
                case "--d-stored-orders": options.DStoredOrders = Integer(); break;
                case "--d-idle-wait-seconds": options.DIdleWaitSeconds = Number(); break;
                case "--d-clients": options.DClients = Math.Max(1, Integer()); break;
                case "--e-messages": options.EMessages = Integer(); break;
                case "--e-paid-every": options.EPaidEvery = Math.Max(1, Integer()); break;
                case "--e-clients": options.EClients = Math.Max(1, Integer()); break;
                case "--e-customers": options.ECustomers = Math.Max(1, Integer()); break;
                case "--smoke": options.ApplySmoke(); break;
                default: throw new ArgumentException($"Unknown option '{name}'. Run with --help for the list.");
            }
        }

        return options;
    }

    public bool Runs(char scenario) => Scenarios.Split(',').Any(name => name.Trim() == scenario.ToString());

    public IReadOnlyList<int> PgbenchClientCounts =>
        [.. CClients.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(text => int.Parse(text, CultureInfo.InvariantCulture))];

    /// <summary>Scales every scenario down to a few seconds, to check the tools rather than the product.</summary>
    private void ApplySmoke()
    {
        WarmupSeconds = 1;
        ARate = 200;
        ASeconds = 3;
        APsids = 500;
        BRate = 20;
        BSeconds = 3;
        CSeconds = 2;
        CClients = "16";
        CRows = 2_000;
        DConversations = 1_000;
        DOrders = 200;
        DStoredOrders = 5_000;
        DIdleWaitSeconds = 2;
        EMessages = 500;
        EClients = 16;
        ECustomers = 200;
        MaxMinutes = 10;
    }
}
