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

    public static string KeyFor(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
