using KlmSocialPay.Grains.Orders;

namespace KlmSocialPay.Grains.Conversations;

/// <summary>
/// One customer on one channel, keyed by <see cref="ConversationKey"/> in its string form
/// (<c>messenger:{PSID}</c>). It holds the messages in both directions and the ids of the orders created in it.
/// </summary>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Appends a customer's message. Returns false when a message with the same platform id is already
    /// stored, so a platform's redelivery changes nothing.
    /// </summary>
    Task<bool> RecordInboundMessage(InboundMessage message);

    /// <summary>Appends or updates a message the product sends to the customer, keyed by its <see cref="ConversationMessage.MessageId"/>.</summary>
    Task RecordOutboundMessage(ConversationMessage message);

    /// <summary>
    /// Records a platform's status callback (delivered, read, failed) for an outbound message, found by the
    /// platform's message id. A status never moves backwards (read stays read when a late "delivered" arrives).
    /// Returns false when no outbound message has that platform id.
    /// </summary>
    Task<bool> RecordDeliveryStatus(string platformMessageId, DeliveryStatus status, DateTimeOffset at, string? error);

    /// <summary>Returns the conversation, or null when no customer has written in it.</summary>
    Task<ConversationSnapshot?> GetSnapshot();

    /// <summary>
    /// Erases the text of messages older than the retention period (<c>Conversations:TextRetention</c>); the
    /// messages' records stay. A daily reminder calls this; returns how many texts were erased.
    /// </summary>
    Task<int> EraseExpiredText();

    /// <summary>Creates an order in this conversation.</summary>
    /// <exception cref="ConversationNotFoundException">No customer has written in this conversation.</exception>
    Task<OrderSnapshot> CreateOrder(NewOrder order, string agentId);
}

/// <summary>Raised when an agent acts on a conversation in which no customer has written.</summary>
[GenerateSerializer]
public sealed class ConversationNotFoundException : Exception
{
    public ConversationNotFoundException(string conversationKey)
        : base($"No customer has written in conversation {conversationKey}.")
    {
        ConversationKey = conversationKey;
    }

    [Id(0)] public string ConversationKey { get; init; }
}
