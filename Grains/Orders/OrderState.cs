namespace KlmSocialPay.Grains.Orders;

/// <summary>The stored state of an order grain.</summary>
[GenerateSerializer]
public sealed class OrderState
{
    /// <summary>
    /// How long an order remembers a provider event id for de-duplication: longer than Stripe's retry period
    /// (up to 3 days in live mode) and Meta's (about 36 hours).
    /// </summary>
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(7);

    /// <summary>A cap on remembered event ids per order, far above what one order receives in the retention window.</summary>
    public const int MaxRememberedEvents = 1000;

    [Id(0)] public bool Created { get; set; }
    [Id(1)] public ConversationKey? Conversation { get; set; }
    [Id(2)] public string BookingReference { get; set; } = "";
    [Id(3)] public string Language { get; set; } = "en";
    [Id(4)] public OrderStatus Status { get; set; }
    [Id(5)] public Money.Money Total { get; set; }
    [Id(6)] public List<LineItem> Items { get; set; } = [];
    [Id(7)] public List<OrderHistoryEntry> History { get; set; } = [];
    [Id(8)] public PaymentLinkInfo? PaymentLink { get; set; }
    [Id(9)] public int LinkAttempts { get; set; }
    [Id(10)] public DeliveryFailure? LastDeliveryFailure { get; set; }
    [Id(11)] public PaymentRecord? Payment { get; set; }
    [Id(12)] public List<OrderAlert> Alerts { get; set; } = [];
    [Id(13)] public string CreatedBy { get; set; } = "";
    [Id(14)] public DateTimeOffset CreatedAt { get; set; }
    [Id(15)] public string? LinkRequestedBy { get; set; }
    [Id(16)] public List<ProcessedEvent> ProcessedEvents { get; set; } = [];

    /// <summary>Agent notifications decided but not yet handed to the agent grain; flushed after each write.</summary>
    [Id(17)] public List<AgentNotification> PendingNotifications { get; set; } = [];

    /// <summary>The link message the outbox is still sending, if any.</summary>
    [Id(18)] public LinkDelivery? PendingDelivery { get; set; }

    [Id(19)] public List<Payments.RefundRecord> Refunds { get; set; } = [];

    /// <summary>Refunded minor units as the provider reported them; it never shrinks.</summary>
    [Id(20)] public long RefundedAmount { get; set; }

    [Id(21)] public int RefundAttempts { get; set; }
    [Id(22)] public List<Payments.DisputeRecord> Disputes { get; set; } = [];
    [Id(23)] public bool PaymentIntentIndexed { get; set; }
}

/// <summary>A provider event the order applied, kept for <see cref="OrderState.EventRetention"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record ProcessedEvent([property: Id(0)] string Id, [property: Id(1)] DateTimeOffset At);
