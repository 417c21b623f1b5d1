using KlmSocialPay.Grains.Reconciliation;

namespace KlmSocialPay.Grains.Reconciliation;

[GenerateSerializer]
public sealed class OrderIndexState
{
    [Id(0)] public List<string> OrderIds { get; set; } = [];
}

/// <inheritdoc cref="IOrderIndexGrain"/>
public sealed class OrderIndexGrain(
    [PersistentState("orderIndex", StorageNames.Grains)] IPersistentState<OrderIndexState> index) : Grain, IOrderIndexGrain
{
    public async Task Add(string orderId)
    {
        if (!index.State.OrderIds.Contains(orderId))
        {
            index.State.OrderIds.Add(orderId);
            await index.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> GetOrderIds() => Task.FromResult<IReadOnlyList<string>>([.. index.State.OrderIds]);

    /// <summary>
    /// Each day's index is split into this many buckets by order id, so order creation does not queue on one
    /// grain whose stored list grows with every order of the day.
    /// </summary>
    public const int BucketsPerDay = 64;

    /// <summary>Returns the key of the bucket that holds <paramref name="orderId"/>: <c>yyyy-MM-dd/{bucket}</c>.</summary>
    public static string KeyFor(DateTimeOffset createdAt, string orderId) =>
        $"{DayOf(createdAt)}/{(uint)StableHash(orderId) % BucketsPerDay}";

    /// <summary>Returns the keys of every bucket of the UTC day of <paramref name="day"/>.</summary>
    public static IEnumerable<string> KeysForDay(DateTimeOffset day) =>
        Enumerable.Range(0, BucketsPerDay).Select(bucket => $"{DayOf(day)}/{bucket}");

    private static string DayOf(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>FNV-1a over the id's characters: stable across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static int StableHash(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }
}
