using BenchmarkDotNet.Attributes;
using KlmSocialPay.Grains.Agents;
using KlmSocialPay.Grains.Conversations;
using KlmSocialPay.Grains.Orders;
using KlmSocialPay.Grains.Reconciliation;
using KlmSocialPay.Silo.Storage;
using MoneyAmount = KlmSocialPay.Grains.Money.Money;

namespace KlmSocialPay.Micro;

/// <summary>
/// Grain state through <see cref="JsonGrainStorageSerializer"/>, the work behind every grain storage write
/// and read: a paid order; an agent's notification list at its cap of 1,000 entries, which every
/// notification to that agent rewrites whole; and a day's order index with 10,000 orders, which every
/// new order of that day rewrites whole.
/// </summary>
[MemoryDiagnoser]
public class GrainStateBenchmarks
{
    private readonly JsonGrainStorageSerializer serializer = new();
    private OrderState order = null!;
    private AgentState agent = null!;
    private BinaryData orderJson = null!;
    private BinaryData agentJson = null!;
    private OrderIndexState orderIndex = null!;

    [GlobalSetup]
    public void Setup()
    {
        order = PaidOrder();
        agent = FullAgent();
        orderJson = serializer.Serialize(order);
        agentJson = serializer.Serialize(agent);
        orderIndex = new OrderIndexState { OrderIds = [.. Enumerable.Range(0, 10_000).Select(_ => $"ord_{Guid.NewGuid():N}")] };
    }

    [Benchmark]
    public BinaryData SerializePaidOrder() => serializer.Serialize(order);

    [Benchmark]
    public OrderState? DeserializePaidOrder() => serializer.Deserialize<OrderState>(orderJson);

    [Benchmark]
    public BinaryData SerializeAgentWith1000Notifications() => serializer.Serialize(agent);

    [Benchmark]
    public AgentState? DeserializeAgentWith1000Notifications() => serializer.Deserialize<AgentState>(agentJson);

    /// <summary>What <c>OrderIndexGrain.Add</c> does for the 10,001st order of a day before its write: a linear search, then the whole list serialized.</summary>
    [Benchmark]
    public BinaryData AddToOrderIndexWith10000Orders()
    {
        var orderId = "ord_0000000000000000000000000000ffff";
        _ = orderIndex.OrderIds.Contains(orderId);
        return serializer.Serialize(orderIndex);
    }

    public int PaidOrderBytes => orderJson.ToMemory().Length;

    public int AgentBytes => agentJson.ToMemory().Length;

    internal static OrderState PaidOrder()
    {
        var created = new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);
        const string session = "cs_test_b2Yw8Rn4Ks6Tj3Ua9Mb5Vc7Xd1Ze0Gf2Hg4Ji6Kk8Lm0";
        return new OrderState
        {
            Created = true,
            Conversation = new ConversationKey(Channel.Messenger, "7000000000000001"),
            BookingReference = "X7K2QP",
            Language = "nl",
            Status = OrderStatus.Paid,
            Total = new MoneyAmount(4500, "EUR"),
            Items = [new LineItem(LineItemKind.Seat, "Seat 12A, KL1234 AMS-JFK", 4500)],
            History =
            [
                new OrderHistoryEntry(created, null, OrderStatus.Requested, OrderTrigger.Create, "agent-dev", null),
                new OrderHistoryEntry(created.AddSeconds(2), OrderStatus.Requested, OrderStatus.LinkSent, OrderTrigger.SendLink, "agent-dev", $"{session} via msg_0f4c"),
                new OrderHistoryEntry(created.AddMinutes(4), OrderStatus.LinkSent, OrderStatus.Paid, OrderTrigger.PaymentSucceeded, "stripe", "evt_1TestCompleted000000000001"),
            ],
            PaymentLink = new PaymentLinkInfo(session, $"https://checkout.stripe.com/c/pay/{session}", created.AddHours(2), created.AddSeconds(1), Delivered: true, Closed: true),
            LinkAttempts = 1,
            Payment = new PaymentRecord(session, "pi_3TestPaymentIntent0000001", new MoneyAmount(4500, "EUR"), created.AddMinutes(4), "evt_1TestCompleted000000000001"),
            CreatedBy = "agent-dev",
            CreatedAt = created,
            LinkRequestedBy = "agent-dev",
        };
    }

    private static AgentState FullAgent()
    {
        var state = new AgentState();
        var at = new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);
        for (var i = 1; i <= AgentState.MaxNotifications; i++)
        {
            var orderId = $"ord_{Guid.NewGuid():N}";
            state.Notifications.Add(new AgentNotification(
                $"{orderId}:PaymentReceived:evt_{i}", NotificationType.PaymentReceived, orderId, at.AddSeconds(i), new MoneyAmount(4500, "EUR"), null, i));
        }

        state.LastSequence = AgentState.MaxNotifications;
        return state;
    }
}
