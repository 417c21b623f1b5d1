namespace KlmSocialPay.Grains.Reconciliation;

/// <summary>A Checkout Session as the provider lists it. <see cref="AmountTotal"/> is in ISO minor units.</summary>
[GenerateSerializer, Immutable]
public sealed record ProviderSession(
    [property: Id(0)] string Id,
    [property: Id(1)] string? OrderId,
    [property: Id(2)] string Status,
    [property: Id(3)] string PaymentStatus,
    [property: Id(4)] long? AmountTotal,
    [property: Id(5)] string? Currency,
    [property: Id(6)] DateTimeOffset Created);

/// <summary>One difference between the product's orders and the provider's sessions.</summary>
[GenerateSerializer, Immutable]
public sealed record ReconciliationMismatch(
    [property: Id(0)] string Kind,
    [property: Id(1)] string? OrderId,
    [property: Id(2)] string? CheckoutSessionId,
    [property: Id(3)] string Detail);

/// <summary>The result of comparing orders and sessions created in [<see cref="From"/>, <see cref="To"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record ReconciliationReport(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] DateTimeOffset To,
    [property: Id(2)] DateTimeOffset RanAt,
    [property: Id(3)] int OrdersChecked,
    [property: Id(4)] int SessionsChecked,
    [property: Id(5)] IReadOnlyList<ReconciliationMismatch> Mismatches);

/// <summary>
/// Orders created on one UTC day in one bucket, keyed <c>yyyy-MM-dd/{bucket}</c>: what reconciliation walks, since
/// grains cannot be listed.
/// </summary>
public interface IOrderIndexGrain : IGrainWithStringKey
{
    Task Add(string orderId);

    Task<IReadOnlyList<string>> GetOrderIds();
}

/// <summary>
/// Compares the product's orders with the provider's Checkout Sessions and reports every mismatch: paid at
/// the provider but not here, paid here but not at the provider, amounts that differ, sessions of unknown
/// orders. Keyed by provider name; a daily reminder checks the last two days.
/// </summary>
public interface IReconciliationGrain : IGrainWithStringKey
{
    Task<ReconciliationReport> Run(DateTimeOffset from, DateTimeOffset to);

    Task<ReconciliationReport?> GetLatest();

    /// <summary>Arms the daily reminder; called once at silo start, idempotent.</summary>
    Task EnsureScheduled();
}
