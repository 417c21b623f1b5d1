using System.Collections.Concurrent;
using KlmSocialPay.LoadDriver.Measurement;
using KlmSocialPay.LoadDriver.Product;

namespace KlmSocialPay.LoadDriver.Scenarios;

/// <summary>
/// One complete paid flow over HTTP: the customer writes, the agent creates an order and requests its
/// payment link (Stripe.net to the sandbox, Messenger send to the sandbox), the driver posts the signed
/// <c>checkout.session.completed</c>, then the agent reads the paid order and its notification.
/// </summary>
public sealed class PaidFlow(ProductClient client, IReadOnlyList<string> agentKeys)
{
    public const string CompleteFlow = "complete flow";

    private const long Amount = 4500;

    /// <summary>Highest notification sequence each agent has read, so later reads ask only for newer ones.</summary>
    private readonly ConcurrentDictionary<string, long> lastSeen = new(StringComparer.Ordinal);

    private long fullReads;

    /// <summary>Reads of the whole notification list after the read with <c>after</c> missed the order's notification.</summary>
    public long FullListReads => Interlocked.Read(ref fullReads);

    /// <summary>
    /// Runs the flow for <paramref name="psid"/> as agent number <paramref name="sequence"/> modulo the agent
    /// count. When <paramref name="writeFirst"/> is false the customer has already written. Returns true
    /// when every step succeeded and the order is paid with its notification stored.
    /// </summary>
    public async Task<bool> Run(string psid, string mid, long sequence, long scheduled, LatencyRecorder recorder, bool writeFirst = true)
    {
        var agentKey = agentKeys[(int)(sequence % agentKeys.Count)];
        if (writeFirst && !await client.PostMessage(psid, mid, sequence, recorder))
        {
            return Failed(recorder, scheduled, "customer message failed");
        }

        var orderId = await client.CreateSeatOrder(agentKey, psid, Amount, recorder);
        if (orderId is null)
        {
            return Failed(recorder, scheduled, "order not created");
        }

        var sessionId = await client.RequestPaymentLink(agentKey, orderId, recorder);
        if (sessionId is null)
        {
            return Failed(recorder, scheduled, "payment link failed");
        }

        if (!await client.PostCheckoutCompleted(orderId, sessionId, Amount, recorder))
        {
            return Failed(recorder, scheduled, "Stripe event rejected");
        }

        var status = await client.ReadOrderStatus(agentKey, orderId, recorder);
        if (status != "paid")
        {
            return Failed(recorder, scheduled, $"order is {status ?? "unreadable"}, not paid");
        }

        if (!await FindNotification(agentKey, orderId, recorder))
        {
            return Failed(recorder, scheduled, "payment-received notification missing");
        }

        recorder.Success(CompleteFlow, LatencyRecorder.ElapsedMilliseconds(scheduled));
        return true;
    }

    /// <summary>
    /// Reads the agent's notifications newer than a margin below the last sequence seen, as an agent app
    /// polling with <c>after</c> does; falls back to the whole list before it reports the notification missing.
    /// </summary>
    private async Task<bool> FindNotification(string agentKey, string orderId, LatencyRecorder recorder)
    {
        // Flows of one agent overlap, so a notification stored before the newest one seen may be unread yet.
        const long Margin = 50;
        var after = Math.Max(0, lastSeen.GetValueOrDefault(agentKey) - Margin);
        foreach (var from in after > 0 ? new[] { after, 0 } : [0])
        {
            if (from == 0 && after > 0)
            {
                Interlocked.Increment(ref fullReads);
            }

            var notifications = await client.ReadNotifications(agentKey, from, recorder);
            if (notifications is null)
            {
                return false;
            }

            if (notifications.Count > 0)
            {
                var newest = notifications.Max(n => n.Sequence);
                lastSeen.AddOrUpdate(agentKey, newest, (_, seen) => Math.Max(seen, newest));
            }

            if (notifications.Any(n => n.OrderId == orderId && n.Type == "payment-received"))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Failed(LatencyRecorder recorder, long scheduled, string reason)
    {
        recorder.Error(CompleteFlow, LatencyRecorder.ElapsedMilliseconds(scheduled), reason);
        return false;
    }
}
