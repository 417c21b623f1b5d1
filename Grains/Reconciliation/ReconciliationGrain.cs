using KlmSocialPay.Grains.Reconciliation;

namespace KlmSocialPay.Grains.Reconciliation;

[GenerateSerializer]
public sealed class ReconciliationState
{
    [Id(0)] public ReconciliationReport? Latest { get; set; }
}

/// <inheritdoc cref="IReconciliationGrain"/>
public sealed class ReconciliationGrain(
    [PersistentState("reconciliation", StorageNames.Grains)] IPersistentState<ReconciliationState> reconciliation,
    ICheckoutProvider checkoutProvider,
    TimeProvider clock,
    ILogger<ReconciliationGrain> logger) : Grain, IReconciliationGrain, IRemindable
{
    private const string DailyReminder = "daily";

    /// <summary>The daily run looks back this far, so a day is checked twice, once after late webhooks settled.</summary>
    private static readonly TimeSpan DailyWindow = TimeSpan.FromDays(2);

    /// <summary>The longest range one run accepts.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    private static readonly OrderStatus[] SettledStatuses = [OrderStatus.Paid, OrderStatus.PartiallyRefunded, OrderStatus.Refunded];

    public async Task<ReconciliationReport> Run(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from || to - from > MaxRange)
        {
            throw new ArgumentException($"The range must be positive and at most {MaxRange.TotalDays} days.");
        }

        var sessions = await checkoutProvider.ListSessions(from, to, CancellationToken.None);
        var orders = await LoadOrders(from, to);
        var mismatches = new List<ReconciliationMismatch>();

        foreach (var session in sessions)
        {
            var paidThere = session.PaymentStatus == "paid";
            if (session.OrderId is null || !orders.TryGetValue(session.OrderId, out var order))
            {
                order = session.OrderId is null ? null : await GrainFactory.GetGrain<IOrderGrain>(session.OrderId).GetSnapshot();
                if (order is null)
                {
                    if (paidThere && session.OrderId is not null)
                    {
                        mismatches.Add(new("unknown-order", session.OrderId, session.Id, "The provider has a paid session for an order that does not exist here."));
                    }

                    continue;
                }
            }

            var paidHere = SettledStatuses.Contains(order.Status) && order.Payment?.CheckoutSessionId == session.Id;
            if (paidThere && !paidHere)
            {
                mismatches.Add(new("paid-at-provider-not-here", order.Id, session.Id,
                    $"The provider says paid ({session.AmountTotal} {session.Currency}); the order is {order.Status}."));
            }
            else if (!paidThere && paidHere)
            {
                mismatches.Add(new("paid-here-not-at-provider", order.Id, session.Id,
                    $"The order is paid via this session; the provider says {session.PaymentStatus}."));
            }

            if (paidThere && (session.AmountTotal != order.Total.MinorUnits || session.Currency != order.Total.Currency))
            {
                mismatches.Add(new("amount-differs", order.Id, session.Id,
                    $"The provider has {session.AmountTotal} {session.Currency}; the order total is {order.Total.MinorUnits} {order.Total.Currency}."));
            }
        }

        var sessionIds = sessions.Select(s => s.Id).ToHashSet();
        foreach (var order in orders.Values.Where(o => o.Payment is not null && !sessionIds.Contains(o.Payment.CheckoutSessionId)))
        {
            mismatches.Add(new("paid-here-not-at-provider", order.Id, order.Payment!.CheckoutSessionId,
                "The order is paid via a session the provider did not list in this range."));
        }

        var report = new ReconciliationReport(from, to, clock.GetUtcNow(), orders.Count, sessions.Count, mismatches);
        reconciliation.State.Latest = report;
        await reconciliation.WriteStateAsync();

        foreach (var mismatch in mismatches)
        {
            logger.LogWarning(
                "Reconciliation mismatch {MismatchKind} for order {OrderId}, session {CheckoutSessionId}",
                mismatch.Kind, mismatch.OrderId, mismatch.CheckoutSessionId);
        }

        logger.LogInformation(
            "Reconciliation from {From} to {To}: {OrderCount} orders, {SessionCount} sessions, {MismatchCount} mismatches",
            from, to, orders.Count, sessions.Count, mismatches.Count);
        return report;
    }

    public Task<ReconciliationReport?> GetLatest() => Task.FromResult(reconciliation.State.Latest);

    public async Task EnsureScheduled()
    {
        if (await this.GetReminder(DailyReminder) is null)
        {
            await this.RegisterOrUpdateReminder(DailyReminder, TimeSpan.FromHours(1), TimeSpan.FromDays(1));
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == DailyReminder)
        {
            var now = clock.GetUtcNow();
            await Run(now - DailyWindow, now);
        }
    }

    private async Task<Dictionary<string, OrderSnapshot>> LoadOrders(DateTimeOffset from, DateTimeOffset to)
    {
        var orderIds = new List<string>();
        for (var day = from.UtcDateTime.Date; day < to.UtcDateTime; day = day.AddDays(1))
        {
            var buckets = await Task.WhenAll(OrderIndexGrain.KeysForDay(new DateTimeOffset(day, TimeSpan.Zero))
                .Select(key => GrainFactory.GetGrain<IOrderIndexGrain>(key).GetOrderIds()));
            orderIds.AddRange(buckets.SelectMany(ids => ids));
        }

        var snapshots = await Task.WhenAll(orderIds.Distinct().Select(id => GrainFactory.GetGrain<IOrderGrain>(id).GetSnapshot()));
        return snapshots
            .OfType<OrderSnapshot>()
            .Where(o => o.CreatedAt >= from && o.CreatedAt < to)
            .ToDictionary(o => o.Id);
    }
}
