namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>A response saved under an idempotency key, replayed byte for byte.</summary>
internal sealed record StripeSavedResponse(int StatusCode, string Body, string RequestId);

internal enum IdempotencyDecision
{
    /// <summary>The key is new or expired, so the caller executes the request and then calls Complete or Release.</summary>
    Execute,

    /// <summary>The same request was executed before, so the caller replays <see cref="IdempotencyLookup.SavedResponse"/>.</summary>
    Replay,

    /// <summary>The key cannot be used for this request, so the caller responds with <see cref="IdempotencyLookup.Error"/>.</summary>
    Reject,
}

internal sealed record IdempotencyLookup(IdempotencyDecision Decision, StripeSavedResponse? SavedResponse, StripeApiError? Error);

/// <summary>
/// Stripe's idempotency rules: a key replays the first result when the endpoint and parameters match, fails
/// with <c>idempotency_error</c> when they differ, and fails with 409 while the first request still runs.
/// Results are saved only for requests that passed validation, and keys are forgotten after 24 hours.
/// </summary>
internal sealed class StripeIdempotencyStore(SandboxClock clock)
{
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(24);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public IdempotencyLookup Begin(string key, string path, string fingerprint)
    {
        var now = clock.RealUtcNow;

        lock (gate)
        {
            if (entries.TryGetValue(key, out var entry) && entry.CreatedAt + KeyLifetime > now)
            {
                if (entry.Path != path)
                {
                    return new IdempotencyLookup(IdempotencyDecision.Reject, null, StripeApiError.IdempotencyKeyOnOtherEndpoint(key, entry.Path, path));
                }

                if (entry.Fingerprint != fingerprint)
                {
                    return new IdempotencyLookup(IdempotencyDecision.Reject, null, StripeApiError.IdempotencyKeyReused(key));
                }

                return entry.Response is null
                    ? new IdempotencyLookup(IdempotencyDecision.Reject, null, StripeApiError.IdempotencyKeyInUse(key))
                    : new IdempotencyLookup(IdempotencyDecision.Replay, entry.Response, null);
            }

            entries[key] = new Entry(path, fingerprint, now, null);
            return new IdempotencyLookup(IdempotencyDecision.Execute, null, null);
        }
    }

    public void Complete(string key, StripeSavedResponse response)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var entry))
            {
                entries[key] = entry with { Response = response };
            }
        }
    }

    /// <summary>Forgets a key whose request failed validation, so the client may fix the request and reuse it.</summary>
    public void Release(string key)
    {
        lock (gate)
        {
            entries.Remove(key);
        }
    }

    private sealed record Entry(string Path, string Fingerprint, DateTimeOffset CreatedAt, StripeSavedResponse? Response);
}
