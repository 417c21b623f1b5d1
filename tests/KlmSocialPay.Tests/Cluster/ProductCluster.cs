using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using KlmSocialPay.Tests.Infrastructure;
using Npgsql;

namespace KlmSocialPay.Tests.Cluster;

/// <summary>
/// The xunit collection of the cluster fault tests. It runs alone, after the parallel collections, because
/// its four product processes and its PostgreSQL restarts would slow every test running beside it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<ProductCluster>
{
    public const string Name = "cluster";
}

/// <summary>
/// The production topology on one machine: a throwaway PostgreSQL, <see cref="SiloCount"/> processes in
/// <c>Hosting:Role</c> Silo, and one in Api with the sandbox on. Every process listens on 127.0.0.1 only.
/// The silos probe each other every second (<c>Orleans:Membership</c>), five times as often as the Orleans 10 default,
/// so that a killed silo is declared dead within seconds.
/// </summary>
public sealed class ProductCluster : IAsyncLifetime
{
    public const int SiloCount = 3;

    /// <summary>The Orleans 10 membership table's status of a live silo (SiloStatus.Active).</summary>
    private const int ActiveStatus = 3;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<ProductProcess> silos = [];
    private readonly List<ProductProcess> killedSilos = [];
    private readonly Dictionary<ProductProcess, int> siloPorts = [];
    private readonly HttpClient probeClient = CreateHttpClient(TimeSpan.FromSeconds(5));
    private readonly string clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
    private readonly int apiPort = FreePort.Next();
    private string? connectionString;
    private ProductProcess? api;
    private bool disposed;

    /// <summary>Agents configured on the API process, one per test, so that each test reads only its own notifications.</summary>
    public static readonly IReadOnlyDictionary<string, string> AgentKeys = new Dictionary<string, string>
    {
        ["agent-silo-kill"] = "silo-kill-key",
        ["agent-postgres-restart"] = "postgres-restart-key",
        ["agent-reminders"] = "reminders-key",
    };

    /// <summary>The delay before an outbound message's first retry; its reminder is due this long after the failed send.</summary>
    public static readonly TimeSpan OutboxRetryDelay = TimeSpan.FromSeconds(25);

    public PostgresServer Postgres { get; } = new();

    public string ServiceId { get; } = "klmsocialpay-cluster-test";

    internal IEnumerable<ProductProcess> RunningSilos => silos.Where(silo => !silo.HasExited);

    internal ProductProcess Api => api ?? throw new InvalidOperationException("The cluster is not started.");

    private string ConnectionString => connectionString ?? throw new InvalidOperationException("The cluster is not started.");

    public async Task InitializeAsync()
    {
        try
        {
            await Postgres.InitializeAsync();
            connectionString = await Postgres.CreateDatabaseAsync("cluster");

            // The first silo creates the schema under an advisory lock; the others wait for it and then join.
            for (var index = 0; index < SiloCount; index++)
            {
                silos.Add(StartSilo(index));
            }

            await Task.WhenAll(silos.Select(silo => silo.WaitUntilReadyAsync(probeClient, StartTimeout)));

            api = ProductProcess.Start("api", apiPort, ApiSettings());
            await api.WaitUntilReadyAsync(probeClient, StartTimeout);
        }
        catch
        {
            // xunit may not dispose a fixture whose start failed, and the processes must not outlive the test run.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of the API process with no credentials, for the sandbox routes.</summary>
    internal HttpClient CreateClient() => CreateHttpClient(TimeSpan.FromSeconds(15), Api.BaseAddress);

    /// <summary>A client of the API process that calls the agent API as <paramref name="agentId"/>.</summary>
    internal HttpClient CreateAgentClient(string agentId)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AgentKeys[agentId]);
        return client;
    }

    /// <summary>SIGKILLs the silo at <paramref name="index"/>; <see cref="RestoreSilosAsync"/> replaces it.</summary>
    internal ProductProcess KillSilo(int index)
    {
        var silo = silos[index];
        silo.Kill();
        killedSilos.Add(silo);
        return silo;
    }

    /// <summary>
    /// Replaces every killed silo by a new process on new ports and waits until the membership table lists
    /// exactly the running silos as active, so that each test starts on a healthy cluster of <see cref="SiloCount"/>.
    /// </summary>
    public async Task RestoreSilosAsync()
    {
        for (var index = 0; index < silos.Count; index++)
        {
            if (silos[index].HasExited)
            {
                silos[index] = StartSilo(index);
            }
        }

        await Task.WhenAll(silos.Select(silo => silo.WaitUntilReadyAsync(probeClient, StartTimeout)));

        var expected = silos.Select(silo => siloPorts[silo]).Order().ToList();
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            var active = await ActiveSiloPortsAsync();
            if (active.SequenceEqual(expected))
            {
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"The membership table lists silo ports [{string.Join(", ", active)}] as active; expected [{string.Join(", ", expected)}].");
            }

            await Task.Delay(250);
        }

        await Api.WaitUntilReadyAsync(probeClient, StartTimeout);
    }

    /// <summary>Counts the rows of <c>OrleansRemindersTable</c> named <paramref name="reminderName"/> of the grain whose key is <paramref name="grainKey"/>.</summary>
    public async Task<long> CountRemindersAsync(string grainKey, string reminderName)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();

        // Orleans stores a grain id as "{grain type}/{key}".
        command.CommandText =
            "SELECT count(*) FROM orleansreminderstable WHERE serviceid = @serviceId AND grainid LIKE @grainId AND remindername = @reminderName";
        command.Parameters.AddWithValue("serviceId", ServiceId);
        command.Parameters.AddWithValue("grainId", "%/" + grainKey);
        command.Parameters.AddWithValue("reminderName", reminderName);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Returns the index in the silo list of the silo whose reminder service owns the reminder
    /// <paramref name="reminderName"/> of the grain keyed <paramref name="grainKey"/>, computed from the membership
    /// and reminder tables the way Orleans 10.4.2 splits its ring (VirtualBucketsRingProvider): each active silo
    /// places 30 points at SiloAddress.GetUniformHashCodes(30), and a grain hash belongs to the silo of the first
    /// point at or above it, wrapping around.
    /// </summary>
    public async Task<int> FindReminderOwnerAsync(string grainKey, string reminderName)
    {
        const int bucketsPerSilo = 30;

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();

        var points = new List<(uint Hash, int Port)>();
        await using (var members = connection.CreateCommand())
        {
            members.CommandText = "SELECT address, port, generation FROM orleansmembershiptable WHERE deploymentid = @clusterId AND status = @active";
            members.Parameters.AddWithValue("clusterId", clusterId);
            members.Parameters.AddWithValue("active", ActiveStatus);
            await using var reader = await members.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var endpoint = new IPEndPoint(IPAddress.Parse(reader.GetString(0)), reader.GetInt32(1));
                var silo = SiloAddress.New(endpoint, reader.GetInt32(2));
                points.AddRange(silo.GetUniformHashCodes(bucketsPerSilo).Select(hash => (hash, endpoint.Port)));
            }
        }

        await using var reminder = connection.CreateCommand();
        reminder.CommandText =
            "SELECT grainhash FROM orleansreminderstable WHERE serviceid = @serviceId AND grainid LIKE @grainId AND remindername = @reminderName";
        reminder.Parameters.AddWithValue("serviceId", ServiceId);
        reminder.Parameters.AddWithValue("grainId", "%/" + grainKey);
        reminder.Parameters.AddWithValue("reminderName", reminderName);
        var grainHash = unchecked((uint)(int)(await reminder.ExecuteScalarAsync()
            ?? throw new InvalidOperationException($"No reminder {reminderName} for {grainKey}.")));

        var sorted = points.OrderBy(point => point.Hash).ToList();
        var ownerPort = sorted.FirstOrDefault(point => point.Hash >= grainHash, sorted[0]).Port;
        return silos.FindIndex(silo => siloPorts[silo] == ownerPort);
    }

    /// <summary>The output of every process, for a failure message.</summary>
    public string OutputTails() =>
        string.Join("\n", silos.Concat(killedSilos).Distinct().Append(Api).Select(process => process.OutputTail()));

    public async Task DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        api?.Dispose();
        foreach (var silo in silos.Concat(killedSilos).Distinct())
        {
            silo.Dispose();
        }

        probeClient.Dispose();
        NpgsqlConnection.ClearAllPools();
        await Postgres.DisposeAsync();
    }

    private ProductProcess StartSilo(int index)
    {
        var siloPort = FreePort.Next();
        var settings = CommonSettings();
        settings["Hosting:Role"] = "Silo";
        settings["Orleans:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        settings["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        settings["Orleans:AdvertisedIPAddress"] = "127.0.0.1";
        settings["Sandbox:Enabled"] = "false";

        // Three missed one-second probes and two votes declare a killed silo dead in seconds.
        settings["Orleans:Membership:ProbeTimeout"] = "00:00:01";
        settings["Orleans:Membership:NumMissedProbesLimit"] = "3";
        settings["Orleans:Membership:NumVotesForDeathDeclaration"] = "2";
        settings["Orleans:Membership:TableRefreshTimeout"] = "00:00:05";
        settings["Orleans:Membership:IAmAliveTablePublishTimeout"] = "00:00:05";

        settings["Outbox:BaseDelay"] = OutboxRetryDelay.ToString("c", CultureInfo.InvariantCulture);
        settings["Outbox:JitterFraction"] = "0";
        settings["Outbox:UnknownOutcomeWait"] = "00:00:05";

        var silo = ProductProcess.Start($"silo-{index}", FreePort.Next(), settings);
        siloPorts[silo] = siloPort;
        return silo;
    }

    private Dictionary<string, string> ApiSettings()
    {
        var baseUrl = $"http://127.0.0.1:{apiPort}";
        var settings = CommonSettings();
        settings["Hosting:Role"] = "Api";
        settings["Sandbox:Enabled"] = "true";
        settings["Sandbox:PublicBaseUrl"] = baseUrl;
        settings["Sandbox:Stripe:WebhookUrl"] = $"{baseUrl}/webhooks/stripe";
        settings["Sandbox:Meta:WebhookUrl"] = $"{baseUrl}/webhooks/messenger";
        settings["Sandbox:WhatsApp:WebhookUrl"] = $"{baseUrl}/webhooks/whatsapp";
        settings["Sandbox:X:WebhookUrl"] = $"{baseUrl}/webhooks/x";

        // About a minute of retries in all, longer than any fault window of these tests.
        string[] delays = ["00:00:00.500", "00:00:01", "00:00:02", "00:00:04", "00:00:08", "00:00:08", "00:00:08", "00:00:08", "00:00:08", "00:00:08"];
        for (var index = 0; index < delays.Length; index++)
        {
            settings[$"Sandbox:Stripe:WebhookRetryDelays:{index}"] = delays[index];
        }

        foreach (var (agentId, key) in AgentKeys)
        {
            settings[$"Agents:Keys:{agentId}"] = key;
        }

        return settings;
    }

    /// <summary>Settings every process shares: the cluster, the storage, and the provider base URLs, which point at the API process's sandbox.</summary>
    private Dictionary<string, string> CommonSettings()
    {
        var sandbox = $"http://127.0.0.1:{apiPort}/sandbox";
        return new Dictionary<string, string>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = ConnectionString + ";Maximum Pool Size=20",
            ["Orleans:ServiceId"] = ServiceId,
            ["Orleans:ClusterId"] = clusterId,
            ["Serilog:MinimumLevel"] = "Warning",
            ["Stripe:ApiBase"] = $"{sandbox}/stripe",
            ["Stripe:SuccessUrl"] = $"{sandbox}/stripe/done",
            ["Stripe:CancelUrl"] = $"{sandbox}/stripe/done",
            ["Messenger:GraphApiBase"] = $"{sandbox}/meta",
            ["WhatsApp:GraphApiBase"] = $"{sandbox}/whatsapp",
            ["X:ApiBase"] = $"{sandbox}/x",
        };
    }

    private async Task<List<int>> ActiveSiloPortsAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT port FROM orleansmembershiptable WHERE deploymentid = @clusterId AND status = @active ORDER BY port";
        command.Parameters.AddWithValue("clusterId", clusterId);
        command.Parameters.AddWithValue("active", ActiveStatus);

        var ports = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ports.Add(reader.GetInt32(0));
        }

        return ports;
    }

    internal static HttpClient CreateHttpClient(TimeSpan timeout, Uri? baseAddress = null) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = timeout, BaseAddress = baseAddress };
}
