using Microsoft.AspNetCore.Http;

namespace KlmSocialPay.Sandbox.Messaging;

/// <summary>A rule that makes the next <see cref="Remaining"/> sends to <see cref="RecipientId"/> fail.</summary>
internal interface IFailureRule<TSelf>
    where TSelf : class, IFailureRule<TSelf>
{
    string RecipientId { get; }

    int Remaining { get; }

    TSelf WithRemaining(int remaining);
}

/// <summary>Checks shared by the channels' requests that add a failure rule.</summary>
internal static class FailureRuleRequests
{
    public const int MaxCount = 1000;

    /// <summary>
    /// Reads how many sends a rule fails: 1 when <paramref name="requested"/> is null. Returns a problem naming
    /// <c>count</c> when it is outside 1 to <see cref="MaxCount"/>, else null.
    /// </summary>
    public static IResult? ReadCount(int? requested, out int count)
    {
        count = requested ?? 1;

        return count is < 1 or > MaxCount
            ? SandboxProblems.Invalid("count", $"count must be between 1 and {MaxCount}, got {count}.")
            : null;
    }
}

/// <summary>
/// Injected send failures of one channel stand-in, at most one rule per recipient. Each send to the
/// recipient uses up one failure until none is left. Thread-safe.
/// </summary>
internal sealed class InjectedFailureRules<TRule>
    where TRule : class, IFailureRule<TRule>
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, TRule> rules = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="rule"/>, replacing any earlier rule for the same recipient.</summary>
    public void Add(TRule rule)
    {
        lock (gate)
        {
            rules[rule.RecipientId] = rule;
        }
    }

    public IReadOnlyList<TRule> All()
    {
        lock (gate)
        {
            return rules.Values.ToList();
        }
    }

    /// <summary>Removes the rule for <paramref name="recipientId"/>, or every rule when it is null.</summary>
    public void Clear(string? recipientId)
    {
        lock (gate)
        {
            if (recipientId is null)
            {
                rules.Clear();
            }
            else
            {
                rules.Remove(recipientId);
            }
        }
    }

    /// <summary>Uses up one injected failure for <paramref name="recipientId"/> and returns its rule, or null when none is left.</summary>
    public TRule? Take(string recipientId)
    {
        lock (gate)
        {
            if (!rules.TryGetValue(recipientId, out var rule))
            {
                return null;
            }

            if (rule.Remaining <= 1)
            {
                rules.Remove(recipientId);
            }
            else
            {
                rules[recipientId] = rule.WithRemaining(rule.Remaining - 1);
            }

            return rule;
        }
    }
}
