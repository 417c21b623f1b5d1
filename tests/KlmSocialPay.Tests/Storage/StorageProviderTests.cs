using System.Data.Common;
using System.Text.Json;
using KlmSocialPay.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;

namespace KlmSocialPay.Tests.Storage;

/// <summary>
/// Behaviour every storage provider must show, run against real silos and a real database.
/// Each derived class supplies a fresh database per test.
/// </summary>
public abstract class StorageProviderTests : IAsyncLifetime
{
    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TickWait = TimeSpan.FromSeconds(20);

    protected string ServiceId { get; } = "storage-test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The "Storage" section for this test's database.</summary>
    protected IReadOnlyDictionary<string, string?> StorageSection { get; private set; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        StorageSection = await CreateStorageSectionAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IReadOnlyDictionary<string, string?>> CreateStorageSectionAsync();

    [Fact]
    public async Task GrainState_ClusterRestarted_IsReadBack()
    {
        await using (var first = await StartClusterAsync())
        {
            var grain = first.Grains.GetGrain<IStorageCounterGrain>("restart");
            await grain.IncrementAsync();
            await grain.IncrementAsync();
            await grain.IncrementAsync();
        }

        await using var second = await StartClusterAsync();
        var snapshot = await second.Grains.GetGrain<IStorageCounterGrain>("restart").GetAsync();

        Assert.Equal(3, snapshot.Count);
    }

    [Fact]
    public async Task ConcurrentWrites_ManyGrains_AllPersist()
    {
        const int grainCount = 20;
        const int incrementsPerGrain = 5;

        await using (var first = await StartClusterAsync())
        {
            var writers = Enumerable.Range(0, grainCount).Select(async index =>
            {
                var grain = first.Grains.GetGrain<IStorageCounterGrain>($"concurrent-{index}");
                for (var i = 0; i < incrementsPerGrain; i++)
                {
                    await grain.IncrementAsync();
                }
            });
            await Task.WhenAll(writers);
        }

        await using var second = await StartClusterAsync();
        var counts = await Task.WhenAll(Enumerable.Range(0, grainCount)
            .Select(index => second.Grains.GetGrain<IStorageCounterGrain>($"concurrent-{index}").GetAsync()));

        Assert.All(counts, snapshot => Assert.Equal(incrementsPerGrain, snapshot.Count));
    }

    [Fact]
    public async Task Reminder_ClusterRestarted_IsListedAndFires()
    {
        await using (var first = await StartClusterAsync())
        {
            await first.Grains.GetGrain<IStorageCounterGrain>("reminder").StartTickingAsync(TickPeriod, TickPeriod);
        }

        await using var second = await StartClusterAsync();
        var grain = second.Grains.GetGrain<IStorageCounterGrain>("reminder");
        var ticksAtRestart = (await grain.GetAsync()).Ticks;

        Assert.True(await grain.HasTickReminderAsync(), "The reminder is not listed after the restart.");

        var ticksLater = await WaitForTicksAboveAsync(grain, ticksAtRestart);
        Assert.True(ticksLater > ticksAtRestart, $"The reminder did not fire within {TickWait.TotalSeconds} s after the restart.");
    }

    [Fact]
    public async Task Reminder_Unregistered_IsNoLongerListed()
    {
        await using var cluster = await StartClusterAsync();
        var grain = cluster.Grains.GetGrain<IStorageCounterGrain>("unregister");
        await grain.StartTickingAsync(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));

        await grain.StopTickingAsync();

        Assert.False(await grain.HasTickReminderAsync());
    }

    [Fact]
    public async Task WriteState_StaleETag_Throws()
    {
        await using var cluster = await StartClusterAsync();
        var storage = cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var grainId = GrainId.Create("storagecounter", "stale-etag");

        await storage.WriteStateAsync(StorageCounterGrain.StateName, grainId, new GrainState<CounterState>(new CounterState()));
        var first = new GrainState<CounterState>();
        var second = new GrainState<CounterState>();
        await storage.ReadStateAsync(StorageCounterGrain.StateName, grainId, first);
        await storage.ReadStateAsync(StorageCounterGrain.StateName, grainId, second);

        StateOf(first).Count = 1;
        await storage.WriteStateAsync(StorageCounterGrain.StateName, grainId, first);
        StateOf(second).Count = 2;

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(StorageCounterGrain.StateName, grainId, second));
    }

    [Fact]
    public async Task WriteState_DuplicateFirstWrite_Throws()
    {
        await using var cluster = await StartClusterAsync();
        var storage = cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var grainId = GrainId.Create("storagecounter", "first-writes");

        await storage.WriteStateAsync(StorageCounterGrain.StateName, grainId, new GrainState<CounterState>(new CounterState { Count = 1 }));

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(StorageCounterGrain.StateName, grainId, new GrainState<CounterState>(new CounterState { Count = 2 })));
    }

    [Fact]
    public async Task GrainWrite_RowChangedElsewhere_Throws()
    {
        await using var cluster = await StartClusterAsync();
        var grain = cluster.Grains.GetGrain<IStorageCounterGrain>("other-writer");
        await grain.IncrementAsync();

        var storage = cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        // Orleans 10 passes the state name as the storage's grain type. The grain id carries the grain type.
        var other = new GrainState<CounterState>();
        await storage.ReadStateAsync(StorageCounterGrain.StateName, grain.GetGrainId(), other);
        StateOf(other).Count = 100;
        await storage.WriteStateAsync(StorageCounterGrain.StateName, grain.GetGrainId(), other);

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.IncrementAsync());
    }

    [Fact]
    public async Task ClearState_ThenWrite_StartsFromEmptyState()
    {
        await using var cluster = await StartClusterAsync();
        var storage = cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var grainId = GrainId.Create("storagecounter", "clear");
        var state = new GrainState<CounterState>(new CounterState { Count = 5 });
        await storage.WriteStateAsync(StorageCounterGrain.StateName, grainId, state);

        await storage.ClearStateAsync(StorageCounterGrain.StateName, grainId, state);
        StateOf(state).Count = 1;
        await storage.WriteStateAsync(StorageCounterGrain.StateName, grainId, state);

        var reread = new GrainState<CounterState>();
        await storage.ReadStateAsync(StorageCounterGrain.StateName, grainId, reread);
        Assert.Equal(1, StateOf(reread).Count);
        Assert.Equal(state.ETag, reread.ETag);
    }

    [Fact]
    public async Task StoredState_IsCamelCaseJson()
    {
        await using (var cluster = await StartClusterAsync())
        {
            await cluster.Grains.GetGrain<IStorageCounterGrain>("json").IncrementAsync();
        }

        await using var database = CreateDatabase();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT PayloadBinary FROM OrleansStorage WHERE ServiceId = @serviceId AND GrainIdExtensionString IS NOT NULL;";
        AddParameter(command, "serviceId", ServiceId);
        var payload = (byte[]?)await command.ExecuteScalarAsync();

        Assert.NotNull(payload);
        using var json = JsonDocument.Parse(payload);
        Assert.Equal(1, json.RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task SchemaInstall_RunTwice_SecondAppliesNothing()
    {
        await using var database = CreateDatabase();
        var installer = new StorageSchemaInstaller(database, NullLogger<StorageSchemaInstaller>.Instance);

        var firstRun = await installer.InstallAsync(CancellationToken.None);
        var secondRun = await installer.InstallAsync(CancellationToken.None);

        Assert.Equal(StorageSchemaInstaller.LoadScripts(database.Provider).Count, firstRun);
        Assert.Equal(0, secondRun);
    }

    [Fact]
    public async Task SchemaInstall_ForcedRerun_KeepsState()
    {
        await using (var cluster = await StartClusterAsync())
        {
            await cluster.Grains.GetGrain<IStorageCounterGrain>("rerun").IncrementAsync();
        }

        await using (var database = CreateDatabase())
        {
            await ExecuteAsync(database, "DELETE FROM KlmSchemaScripts;");
            var installer = new StorageSchemaInstaller(database, NullLogger<StorageSchemaInstaller>.Instance);
            var rerun = await installer.InstallAsync(CancellationToken.None);
            Assert.Equal(StorageSchemaInstaller.LoadScripts(database.Provider).Count, rerun);
        }

        await using var restarted = await StartClusterAsync();
        var snapshot = await restarted.Grains.GetGrain<IStorageCounterGrain>("rerun").GetAsync();
        Assert.Equal(1, snapshot.Count);
    }

    [Fact]
    public async Task SchemaInstall_Concurrent_AppliesScriptsOnce()
    {
        await using var firstDatabase = CreateDatabase();
        await using var secondDatabase = CreateDatabase();
        var first = new StorageSchemaInstaller(firstDatabase, NullLogger<StorageSchemaInstaller>.Instance);
        var second = new StorageSchemaInstaller(secondDatabase, NullLogger<StorageSchemaInstaller>.Instance);

        var runs = await Task.WhenAll(
            Task.Run(() => first.InstallAsync(CancellationToken.None)),
            Task.Run(() => second.InstallAsync(CancellationToken.None)));

        Assert.Equal(StorageSchemaInstaller.LoadScripts(firstDatabase.Provider).Count, runs.Sum());
    }

    [Fact]
    public async Task StorageProbe_DatabaseReachable_ReturnsTrue()
    {
        await using var cluster = await StartClusterAsync();
        var probe = cluster.SiloServices.GetRequiredService<IStorageProbe>();

        Assert.True(await probe.CanConnectAsync(CancellationToken.None));
    }

    private protected Task<StorageCluster> StartClusterAsync() => StorageCluster.StartAsync(ServiceId, StorageSection);

    /// <summary>Opens the test database the way the silo does, for direct SQL checks.</summary>
    private protected StorageDatabase CreateDatabase()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(StorageSection).Build().GetSection("Storage");
        return new StorageDatabase(StorageSettings.FromConfiguration(section, Path.GetTempPath()));
    }

    private protected static async Task ExecuteAsync(StorageDatabase database, string sql)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private protected static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static CounterState StateOf(GrainState<CounterState> grainState) =>
        grainState.State ?? throw new InvalidOperationException("Grain storage left the state null.");

    private static async Task<int> WaitForTicksAboveAsync(IStorageCounterGrain grain, int ticks)
    {
        var deadline = DateTime.UtcNow + TickWait;
        var current = ticks;
        while (current <= ticks && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            current = (await grain.GetAsync()).Ticks;
        }

        return current;
    }
}
