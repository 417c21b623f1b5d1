namespace KlmSocialPay.Tests.Storage;

/// <summary>A test-only grain whose counter lives in the production grain storage and which can hold a reminder.</summary>
public interface IStorageCounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();

    Task<CounterSnapshot> GetAsync();

    Task StartTickingAsync(TimeSpan dueTime, TimeSpan period);

    Task StopTickingAsync();

    Task<bool> HasTickReminderAsync();
}

[GenerateSerializer, Immutable]
public sealed record CounterSnapshot([property: Id(0)] int Count, [property: Id(1)] int Ticks);

/// <summary>The persisted state, stored as JSON by the production serializer.</summary>
public sealed class CounterState
{
    public int Count { get; set; }

    public int Ticks { get; set; }

    public DateTimeOffset? ChangedAt { get; set; }
}

public sealed class StorageCounterGrain(
    [PersistentState(StorageCounterGrain.StateName, StorageNames.Grains)] IPersistentState<CounterState> counter)
    : Grain, IStorageCounterGrain, IRemindable
{
    public const string StateName = "counter";
    public const string TickReminderName = "tick";

    public async Task<int> IncrementAsync()
    {
        counter.State.Count++;
        counter.State.ChangedAt = DateTimeOffset.UtcNow;
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<CounterSnapshot> GetAsync() =>
        Task.FromResult(new CounterSnapshot(counter.State.Count, counter.State.Ticks));

    public Task StartTickingAsync(TimeSpan dueTime, TimeSpan period) =>
        this.RegisterOrUpdateReminder(TickReminderName, dueTime, period);

    public async Task StopTickingAsync()
    {
        var reminder = await this.GetReminder(TickReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<bool> HasTickReminderAsync() => await this.GetReminder(TickReminderName) is not null;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != TickReminderName)
        {
            return;
        }

        counter.State.Ticks++;
        counter.State.ChangedAt = DateTimeOffset.UtcNow;
        await counter.WriteStateAsync();
    }
}
