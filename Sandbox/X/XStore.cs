namespace KlmSocialPay.Sandbox.X;

/// <summary>A DM the product sent through the DM endpoint stand-in.</summary>
internal sealed record XOutboundMessage(
    string EventId,
    string ConversationId,
    string RecipientId,
    string? Text,
    IReadOnlyList<string> MediaIds,
    DateTimeOffset SentAt);

/// <summary>A customer DM or typing indicator the sandbox delivered to the product's webhook.</summary>
internal sealed record XInboundMessage(
    string EventId,
    string UserId,
    DateTimeOffset SentAt,
    string Kind,
    string? Text,
    bool HasPhoto,
    int? WebhookStatusCode,
    string? WebhookError);

/// <summary>Injected failures for one recipient: the next <see cref="Remaining"/> DMs to them fail with HTTP <see cref="Status"/>.</summary>
internal sealed record XFailureRule(string RecipientId, int Status, int Remaining);

/// <summary>The rate-limit window a request was counted in, as the <c>x-rate-limit-*</c> headers report it.</summary>
internal sealed record XRateLimitState(int Limit, int Remaining, DateTimeOffset ResetAt, bool Exceeded);

/// <summary>State of the simulated account: DMs in both directions, injected failures and the DM rate-limit window.</summary>
internal sealed class XStore
{
    private readonly Lock gate = new();
    private readonly List<XOutboundMessage> outbound = [];
    private readonly List<XInboundMessage> inbound = [];
    private readonly Dictionary<string, DateTimeOffset> lastCustomerMessageAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, XFailureRule> failureRules = new(StringComparer.Ordinal);
    private DateTimeOffset windowStartedAt = DateTimeOffset.MinValue;
    private int requestsInWindow;

    public void RecordOutbound(XOutboundMessage message)
    {
        lock (gate)
        {
            outbound.Add(message);
        }
    }

    /// <summary>Records a customer event. A DM, unlike a typing indicator, also makes the user a known recipient.</summary>
    public void RecordInbound(XInboundMessage message, DateTimeOffset receivedAt)
    {
        lock (gate)
        {
            inbound.Add(message);
            if (message.Kind == XCustomerEndpoints.MessageKind)
            {
                lastCustomerMessageAt[message.UserId] = receivedAt;
            }
        }
    }

    public void UpdateInboundDelivery(string eventId, int? statusCode, string? error)
    {
        lock (gate)
        {
            var index = inbound.FindLastIndex(message => message.EventId == eventId);
            if (index >= 0)
            {
                inbound[index] = inbound[index] with { WebhookStatusCode = statusCode, WebhookError = error };
            }
        }
    }

    public DateTimeOffset? LastCustomerMessageAt(string userId)
    {
        lock (gate)
        {
            return lastCustomerMessageAt.TryGetValue(userId, out var at) ? at : null;
        }
    }

    public IReadOnlyList<XOutboundMessage> Outbound(string? recipientId)
    {
        lock (gate)
        {
            return outbound.Where(message => recipientId is null || message.RecipientId == recipientId).ToList();
        }
    }

    public IReadOnlyList<XInboundMessage> Inbound(string? userId)
    {
        lock (gate)
        {
            return inbound.Where(message => userId is null || message.UserId == userId).ToList();
        }
    }

    /// <summary>Every user who wrote or was written to, most recent first.</summary>
    public IReadOnlyList<string> KnownUserIds()
    {
        lock (gate)
        {
            return inbound.Select(message => (message.UserId, message.SentAt))
                .Concat(outbound.Select(message => (UserId: message.RecipientId, message.SentAt)))
                .OrderByDescending(entry => entry.SentAt)
                .Select(entry => entry.UserId)
                .Distinct()
                .ToList();
        }
    }

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

    /// <summary>Replaces any earlier rule for the same recipient.</summary>
    public void AddFailureRule(XFailureRule rule)
    {
        lock (gate)
        {
            failureRules[rule.RecipientId] = rule;
        }
    }

    public IReadOnlyList<XFailureRule> FailureRules()
    {
        lock (gate)
        {
            return failureRules.Values.ToList();
        }
    }

    public void ClearFailureRules(string? recipientId)
    {
        lock (gate)
        {
            if (recipientId is null)
            {
                failureRules.Clear();
            }
            else
            {
                failureRules.Remove(recipientId);
            }
        }
    }

    /// <summary>Uses up one injected failure for <paramref name="recipientId"/> and returns its status, if any is left.</summary>
    public int? TakeInjectedFailure(string recipientId)
    {
        lock (gate)
        {
            if (!failureRules.TryGetValue(recipientId, out var rule))
            {
                return null;
            }

            if (rule.Remaining <= 1)
            {
                failureRules.Remove(recipientId);
            }
            else
            {
                failureRules[recipientId] = rule with { Remaining = rule.Remaining - 1 };
            }

            return rule.Status;
        }
    }
}
