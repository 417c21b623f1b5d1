using System.Globalization;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Robustness;

/// <summary>What happened to one order's Checkout Session, as its Stripe events tell it.</summary>
internal enum StoryKind
{
    /// <summary><c>checkout.session.completed</c> with <c>payment_status: paid</c> (card, iDEAL).</summary>
    Paid,

    /// <summary>Paid, plus a <c>checkout.session.expired</c> that may arrive before or after the payment.</summary>
    PaidAndExpired,

    /// <summary>Completed unpaid (SEPA Direct Debit), then <c>checkout.session.async_payment_succeeded</c>.</summary>
    AsyncSucceeded,

    /// <summary>Completed unpaid, then <c>checkout.session.async_payment_failed</c>.</summary>
    AsyncFailed,

    /// <summary><c>checkout.session.expired</c> only.</summary>
    Expired,

    /// <summary>Completed unpaid, and nothing after.</summary>
    CompletedUnpaid,
}

/// <summary>
/// One order and its story, with noise: <c>payment_intent.succeeded</c> events the product does not handle,
/// a <c>checkout.session.completed</c> with the wrong amount, and every event sent two to four times with the
/// same id. <see cref="ExpectedStatus"/> is where the order must end, whatever order the events arrive in.
/// </summary>
internal sealed record ReplayStory(LinkSentOrder Order, string AgentKey, StoryKind Kind, bool WrongAmountNoise, bool PaymentIntentNoise)
{
    private const string Completed = "checkout.session.completed";

    public bool IsPaid => Kind is StoryKind.Paid or StoryKind.PaidAndExpired or StoryKind.AsyncSucceeded;

    public string PaymentIntentId => "pi_replay_" + Order.OrderId[^16..];

    /// <summary>The expected final status; <paramref name="completedUnpaidStatus"/> is the one for <see cref="StoryKind.CompletedUnpaid"/>.</summary>
    public string ExpectedStatus(string completedUnpaidStatus) => Kind switch
    {
        StoryKind.Paid or StoryKind.PaidAndExpired or StoryKind.AsyncSucceeded => "paid",
        StoryKind.AsyncFailed => "failed",
        StoryKind.Expired => "expired",
        _ => completedUnpaidStatus,
    };

    /// <summary>The story's events and noise, each event repeated two to four times with the same id and body.</summary>
    public IEnumerable<string> Events(Random random)
    {
        var events = new List<string>();

        switch (Kind)
        {
            case StoryKind.Paid:
                events.Add(SessionEvent(Completed, "paid", "complete"));
                break;

            case StoryKind.PaidAndExpired:
                events.Add(SessionEvent(Completed, "paid", "complete"));
                events.Add(SessionEvent("checkout.session.expired", "unpaid", "expired"));
                break;

            case StoryKind.AsyncSucceeded:
                events.Add(SessionEvent(Completed, "unpaid", "complete"));
                events.Add(SessionEvent("checkout.session.async_payment_succeeded", "paid", "complete"));
                break;

            case StoryKind.AsyncFailed:
                events.Add(SessionEvent(Completed, "unpaid", "complete"));
                events.Add(SessionEvent("checkout.session.async_payment_failed", "unpaid", "complete"));
                break;

            case StoryKind.Expired:
                events.Add(SessionEvent("checkout.session.expired", "unpaid", "expired"));
                break;

            case StoryKind.CompletedUnpaid:
                events.Add(SessionEvent(Completed, "unpaid", "complete"));
                break;
        }

        if (WrongAmountNoise)
        {
            events.Add(SessionEvent(Completed, "paid", "complete", amount: Order.Amount + 1));
        }

        if (PaymentIntentNoise)
        {
            events.Add(PaymentIntentSucceeded());
        }

        return events.SelectMany(body => Enumerable.Repeat(body, random.Next(2, 5)));
    }

    private string SessionEvent(string type, string paymentStatus, string status, long? amount = null)
    {
        var root = JsonNode.Parse(Order.Event(type, amount: amount, paymentStatus: paymentStatus, status: status))!;

        if (status != "expired")
        {
            root["data"]!["object"]!["payment_intent"] = PaymentIntentId;
        }

        return root.ToJsonString();
    }

    /// <summary>A <c>payment_intent.succeeded</c> event for this order's payment, which the product acknowledges and ignores.</summary>
    private string PaymentIntentSucceeded() => new JsonObject
    {
        ["id"] = LinkSentOrder.NewEventId(),
        ["object"] = "event",
        ["api_version"] = "2026-10-28.endive",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["data"] = new JsonObject
        {
            ["object"] = new JsonObject
            {
                ["id"] = PaymentIntentId,
                ["object"] = "payment_intent",
                ["amount"] = Order.Amount,
                ["amount_received"] = Order.Amount,
                ["currency"] = Order.Currency.ToLowerInvariant(),
                ["latest_charge"] = "ch_replay_" + Order.OrderId[^16..],
                ["metadata"] = new JsonObject { ["order_id"] = Order.OrderId },
                ["status"] = "succeeded",
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            },
        },
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["type"] = "payment_intent.succeeded",
    }.ToJsonString();

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Order.OrderId} ({Kind}{(WrongAmountNoise ? ", wrong amount" : "")}{(PaymentIntentNoise ? ", payment_intent noise" : "")})");
}
