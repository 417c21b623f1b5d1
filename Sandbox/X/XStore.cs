using KlmSocialPay.Sandbox.Messaging;

namespace KlmSocialPay.Sandbox.X;

/// <summary>A DM the product sent through the DM endpoint stand-in.</summary>
internal sealed record XOutboundMessage(
    string EventId,
    string ConversationId,
    string RecipientId,
    string? Text,
    IReadOnlyList<string> MediaIds,
    DateTimeOffset SentAt) : IOutboundRecord;

/// <summary>A customer DM or typing indicator the sandbox delivered to the product's webhook.</summary>
internal sealed record XInboundMessage(
    string EventId,
    string UserId,
    DateTimeOffset SentAt,
    string Kind,
    string? Text,
    bool HasPhoto,
    int? WebhookStatusCode,
    string? WebhookError) : IInboundRecord<XInboundMessage>
{
    string IInboundRecord<XInboundMessage>.MessageId => EventId;

    string IInboundRecord<XInboundMessage>.CustomerId => UserId;

    XInboundMessage IInboundRecord<XInboundMessage>.WithDelivery(int? webhookStatusCode, string? webhookError) =>
        this with { WebhookStatusCode = webhookStatusCode, WebhookError = webhookError };
}

/// <summary>Injected failures for one recipient: the next <see cref="Remaining"/> DMs to them fail with HTTP <see cref="Status"/>.</summary>
internal sealed record XFailureRule(string RecipientId, int Status, int Remaining) : IFailureRule<XFailureRule>
{
    XFailureRule IFailureRule<XFailureRule>.WithRemaining(int remaining) => this with { Remaining = remaining };
}

/// <summary>The rate-limit window a request was counted in, as the <c>x-rate-limit-*</c> headers report it.</summary>
internal sealed record XRateLimitState(int Limit, int Remaining, DateTimeOffset ResetAt, bool Exceeded);

/// <summary>
/// State of the simulated account: DMs in both directions, injected failures and the DM rate-limit window.
/// A customer DM, unlike a typing indicator, makes the user a known recipient.
/// </summary>
internal sealed class XStore
{
    private readonly Lock gate = new();
    private DateTimeOffset windowStartedAt = DateTimeOffset.MinValue;
    private int requestsInWindow;

    public ConversationLog<XOutboundMessage, XInboundMessage> Conversations { get; } = new();

    public InjectedFailureRules<XFailureRule> Failures { get; } = new();

    /// <summary>
    /// Counts one DM request in the current fixed window, starting a new window when the last one ended.
    /// The request is over the limit when it is number <paramref name="limit"/> + 1 or later in its window.
    /// </summary>
    public XRateLimitState CountRequest(DateTimeOffset now, int limit, TimeSpan window)
    {
        lock (gate)
        {
            if (now >= windowStartedAt + window)
            {
                windowStartedAt = now;
                requestsInWindow = 0;
            }

            requestsInWindow++;
            return new XRateLimitState(limit, Math.Max(0, limit - requestsInWindow), windowStartedAt + window, requestsInWindow > limit);
        }
    }
}
