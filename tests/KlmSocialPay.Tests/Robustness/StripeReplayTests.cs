using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using KlmSocialPay.Tests.Infrastructure;
using Xunit.Abstractions;

namespace KlmSocialPay.Tests.Robustness;

/// <summary>The whole product with three more agents, so the replay's notifications stay well under an agent's cap of 1,000.</summary>
public sealed class ReplayProductHost : IAsyncLifetime
{
    public static readonly IReadOnlyList<string> AgentKeys = ["replay-agent-key-1", "replay-agent-key-2", "replay-agent-key-3"];

    public ProductHost Host { get; } = new(new Dictionary<string, string?>
    {
        ["Serilog:MinimumLevel"] = "Error",
        ["Agents:Keys:agent-replay-1"] = AgentKeys[0],
        ["Agents:Keys:agent-replay-2"] = AgentKeys[1],
        ["Agents:Keys:agent-replay-3"] = AgentKeys[2],
    });

    /// <summary>The main replay, run by the first test that needs it and read by the others (tests of a class run one at a time).</summary>
    internal Task<ReplayRun>? MainReplay { get; set; }

    public Task InitializeAsync() => Host.InitializeAsync();

    public Task DisposeAsync() => Host.DisposeAsync();
}

/// <summary>The stories of one replay, how many events were posted, and every post that did not return 200.</summary>
internal sealed record ReplayRun(IReadOnlyList<ReplayStory> Stories, int Posted, IReadOnlyList<string> Failures);

/// <summary>
/// Creates orders in <c>link-sent</c> through the product and the sandbox, then posts their Stripe events signed,
/// duplicated and shuffled with a seeded <see cref="Random"/>, eight at a time, and checks where every order ends
/// and that each paid order notified its agent exactly once.
/// </summary>
public sealed class StripeReplayTests(ReplayProductHost fixture, ITestOutputHelper output) : IClassFixture<ReplayProductHost>
{
    /// <summary>
    /// Where an order ends when its session completed unpaid (SEPA Direct Debit) and nothing followed: the
    /// product's <c>processing</c> status. Before that status existed such an order stayed <c>link-sent</c>.
    /// </summary>
    private const string CompletedUnpaidStatus = "processing";

    private const int StoryOrders = 400;
    private const int CompletedUnpaidOrders = 12;
    private const int Concurrency = 8;
    private const int Seed = 7_300_412;

    private static readonly StoryKind[] MainKinds =
        [StoryKind.Paid, StoryKind.PaidAndExpired, StoryKind.AsyncSucceeded, StoryKind.AsyncFailed, StoryKind.Expired];

    private ProductHost Host => fixture.Host;

    [Fact]
    public async Task ShuffledEvents_AreAllAcknowledged()
    {
        var run = await MainReplay();

        Assert.True(run.Failures.Count == 0, $"{run.Failures.Count} of {run.Posted} events (seed {Seed}) were not acknowledged with 200:\n{string.Join("\n", run.Failures.Take(10))}");
    }

    [Fact]
    public async Task ShuffledEvents_EachOrderEndsAsItsStory()
    {
        var run = await MainReplay();

        var wrongStatus = await FindWrongStatuses(run.Stories);

        Assert.True(wrongStatus.Count == 0, $"{wrongStatus.Count} of {run.Stories.Count} orders (seed {Seed}) ended in the wrong status:\n{string.Join("\n", wrongStatus.Take(10))}");
    }

    [Fact]
    public async Task ShuffledEvents_NotifyEachPaymentOnce()
    {
        var run = await MainReplay();

        var received = await PaymentReceivedCounts();
        var wrongCount = run.Stories
            .Select(story => (Story: story, Count: received.GetValueOrDefault(story.Order.OrderId)))
            .Where(pair => pair.Count != (pair.Story.IsPaid ? 1 : 0))
            .Select(pair => $"{pair.Story}: {pair.Count} payment-received notifications")
            .ToList();

        Assert.True(wrongCount.Count == 0, $"{wrongCount.Count} of {run.Stories.Count} orders (seed {Seed}) notified a payment a wrong number of times:\n{string.Join("\n", wrongCount.Take(10))}");
    }

    [Fact]
    public async Task CompletedUnpaidOnly_EndsInExpectedStatus()
    {
        var random = new Random(Seed + 1);
        var stories = await CreateStories(CompletedUnpaidOrders, random, _ => StoryKind.CompletedUnpaid);

        var run = await PostShuffled(stories, random);
        var wrongStatus = await FindWrongStatuses(stories);

        Assert.True(run.Failures.Count == 0, $"{run.Failures.Count} of {run.Posted} events were not acknowledged with 200:\n{string.Join("\n", run.Failures.Take(10))}");
        Assert.True(wrongStatus.Count == 0, $"{wrongStatus.Count} of {stories.Count} orders did not end {CompletedUnpaidStatus}:\n{string.Join("\n", wrongStatus.Take(10))}");
    }

    private Task<ReplayRun> MainReplay() => fixture.MainReplay ??= RunMainReplay();

    private async Task<ReplayRun> RunMainReplay()
    {
        var random = new Random(Seed);
        var stories = await CreateStories(StoryOrders, random, _ => MainKinds[random.Next(MainKinds.Length)]);

        return await PostShuffled(stories, random);
    }

    /// <summary>Creates <paramref name="count"/> orders in <c>link-sent</c>, spread over the replay agents, each with a story.</summary>
    private async Task<List<ReplayStory>> CreateStories(int count, Random random, Func<int, StoryKind> kindOf)
    {
        var plans = Enumerable.Range(0, count)
            .Select(index => (Index: index, AgentKey: ReplayProductHost.AgentKeys[index % ReplayProductHost.AgentKeys.Count], Kind: kindOf(index),
                WrongAmount: random.Next(100) < 15, PaymentIntentNoise: random.Next(100) < 30))
            .ToList();
        var stories = new ConcurrentBag<(int Index, ReplayStory Story)>();
        var stopwatch = Stopwatch.StartNew();

        await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (plan, _) =>
        {
            using var agent = Host.CreateAgentClient(plan.AgentKey);
            var order = await LinkSentOrder.Create(Host, agent);
            Assert.Equal("link-sent", (await order.Read(agent)).Str("status"));
            stories.Add((plan.Index, new ReplayStory(order, plan.AgentKey, plan.Kind, plan.WrongAmount, plan.PaymentIntentNoise)));
        });

        output.WriteLine($"Created {count} orders in link-sent in {stopwatch.Elapsed.TotalSeconds:F1} s");
        return [.. stories.OrderBy(pair => pair.Index).Select(pair => pair.Story)];
    }

    /// <summary>Signs every event at send time and posts them all in a seeded shuffle, eight at a time.</summary>
    private async Task<ReplayRun> PostShuffled(List<ReplayStory> stories, Random random)
    {
        var events = stories.SelectMany(story => story.Events(random).Select(body => (Story: story, Body: body))).ToArray();
        random.Shuffle(events);
        var failures = new ConcurrentQueue<string>();
        var stopwatch = Stopwatch.StartNew();

        using var client = Host.CreateClient();
        await Parallel.ForEachAsync(events, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (item, _) =>
        {
            using var response = await LinkSentOrder.PostSigned(client, item.Body);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failures.Enqueue($"HTTP {(int)response.StatusCode} for {item.Story}: {await response.Content.ReadAsStringAsync()}");
            }
        });

        output.WriteLine($"Posted {events.Length} events for {stories.Count} orders in {stopwatch.Elapsed.TotalSeconds:F1} s");
        return new ReplayRun(stories, events.Length, [.. failures]);
    }

    private async Task<List<string>> FindWrongStatuses(IReadOnlyList<ReplayStory> stories)
    {
        var wrong = new ConcurrentQueue<string>();

        await Parallel.ForEachAsync(stories, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (story, _) =>
        {
            using var agent = Host.CreateAgentClient(story.AgentKey);
            var status = (await story.Order.Read(agent)).Str("status");
            var expected = story.ExpectedStatus(CompletedUnpaidStatus);

            if (status != expected)
            {
                wrong.Enqueue($"{story}: {status}, expected {expected}");
            }
        });

        return [.. wrong];
    }

    /// <summary>How many <c>payment-received</c> notifications each order caused, over all replay agents.</summary>
    private async Task<Dictionary<string, int>> PaymentReceivedCounts()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var key in ReplayProductHost.AgentKeys)
        {
            using var agent = Host.CreateAgentClient(key);
            var notifications = await AgentApi.Notifications(agent);
            Assert.True(notifications.Count < 1000, $"Agent {key} has {notifications.Count} notifications, at the agent's cap, so some may have been dropped.");

            foreach (var notification in notifications.Where(n => n!.Str("type") == "payment-received"))
            {
                var orderId = notification!.Str("orderId");
                counts[orderId] = counts.GetValueOrDefault(orderId) + 1;
            }
        }

        return counts;
    }
}
