namespace KlmSocialPay.Sandbox.Messaging;

/// <summary>A message the product sent to one customer through a channel stand-in.</summary>
internal interface IOutboundRecord
{
    string RecipientId { get; }

    DateTimeOffset SentAt { get; }
}

/// <summary>A customer message that a channel stand-in posted to the product's webhook, with the outcome of that POST.</summary>
internal interface IInboundRecord<TSelf>
    where TSelf : class, IInboundRecord<TSelf>
{
    string MessageId { get; }

    /// <summary>The channel's id of the customer who wrote: a PSID, a wa_id or an X user id.</summary>
    string CustomerId { get; }

    DateTimeOffset SentAt { get; }

    TSelf WithDelivery(int? webhookStatusCode, string? webhookError);
}

/// <summary>
/// Both directions of the conversations of one simulated business account, and the time each customer's
/// last message opened the channel's messaging window. Thread-safe.
/// </summary>
internal sealed class ConversationLog<TOutbound, TInbound>
    where TOutbound : class, IOutboundRecord
    where TInbound : class, IInboundRecord<TInbound>
{
    private readonly Lock gate = new();
    private readonly List<TOutbound> outbound = [];
    private readonly List<TInbound> inbound = [];
    private readonly Dictionary<string, DateTimeOffset> lastCustomerMessageAt = new(StringComparer.Ordinal);

    public void RecordOutbound(TOutbound message)
    {
        lock (gate)
        {
            outbound.Add(message);
        }
    }

    /// <summary>
    /// Replaces the first outbound message that matches with what <paramref name="replace"/> returns for it,
    /// and returns the replacement. Returns null and changes nothing when no message matches or
    /// <paramref name="replace"/> returns null. <paramref name="replace"/> runs under the log's lock.
    /// </summary>
    public TOutbound? ReplaceOutbound(Predicate<TOutbound> match, Func<TOutbound, TOutbound?> replace)
    {
        lock (gate)
        {
            var index = outbound.FindIndex(match);
            if (index < 0 || replace(outbound[index]) is not { } replacement)
            {
                return null;
            }

            outbound[index] = replacement;
            return replacement;
        }
    }

    /// <summary>
    /// Records a customer message. A non-null <paramref name="windowOpenedAt"/> opens a new messaging window
    /// for the customer at that time. Null records an event that opens none, such as a typing indicator.
    /// </summary>
    public void RecordInbound(TInbound message, DateTimeOffset? windowOpenedAt)
    {
        lock (gate)
        {
            inbound.Add(message);

            if (windowOpenedAt is { } openedAt)
            {
                lastCustomerMessageAt[message.CustomerId] = openedAt;
            }
        }
    }

    /// <summary>Stores the product's response to the webhook POST of the latest inbound message with <paramref name="messageId"/>.</summary>
    public void UpdateInboundDelivery(string messageId, int? statusCode, string? error)
    {
        lock (gate)
        {
            var index = inbound.FindLastIndex(message => message.MessageId == messageId);
            if (index >= 0)
            {
                inbound[index] = inbound[index].WithDelivery(statusCode, error);
            }
        }
    }

    /// <summary>Returns when the customer's last message opened a messaging window, or null when none has.</summary>
    public DateTimeOffset? LastCustomerMessageAt(string customerId)
    {
        lock (gate)
        {
            return lastCustomerMessageAt.TryGetValue(customerId, out var at) ? at : null;
        }
    }

    /// <summary>Returns the outbound messages to <paramref name="recipientId"/>, or all of them when it is null, in the order recorded.</summary>
    public IReadOnlyList<TOutbound> Outbound(string? recipientId)
    {
        lock (gate)
        {
            return outbound.Where(message => recipientId is null || message.RecipientId == recipientId).ToList();
        }
    }

    /// <summary>Returns the inbound messages from <paramref name="customerId"/>, or all of them when it is null, in the order recorded.</summary>
    public IReadOnlyList<TInbound> Inbound(string? customerId)
    {
        lock (gate)
        {
            return inbound.Where(message => customerId is null || message.CustomerId == customerId).ToList();
        }
    }

    /// <summary>Returns every customer who wrote or was written to, most recent first.</summary>
    public IReadOnlyList<string> KnownCustomerIds()
    {
        lock (gate)
        {
            return inbound.Select(message => (message.CustomerId, message.SentAt))
                .Concat(outbound.Select(message => (CustomerId: message.RecipientId, message.SentAt)))
                .OrderByDescending(entry => entry.SentAt)
                .Select(entry => entry.CustomerId)
                .Distinct()
                .ToList();
        }
    }
}
