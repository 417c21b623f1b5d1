using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;
using Xunit.Abstractions;

namespace KlmSocialPay.Tests.Robustness;

/// <summary>
/// Posts thousands of malformed requests to each webhook route of the whole product and checks that none gets
/// a 5xx, that the process stays live, and that the sentinel order and conversations keep their state. Each
/// route has its own seed, printed with every failure, so a failing case reproduces.
/// </summary>
public sealed class WebhookFuzzTests(QuietProductHost fixture, ITestOutputHelper output) : IClassFixture<QuietProductHost>
{
    private const int CasesPerRoute = 2000;
    private const int Concurrency = 8;
    private const int BaseSeed = 20261204;

    /// <summary>Each route's seed is <see cref="BaseSeed"/> plus its position here, so adding a route keeps the others' cases.</summary>
    private static readonly string[] SeedOrder = ["stripe", "messenger", "x", "whatsapp"];

    private ProductHost Host => fixture.Host;

    [Theory]
    [InlineData("stripe")]
    [InlineData("messenger")]
    [InlineData("x")]
    [InlineData("whatsapp")]
    public async Task MalformedRequests_NeverFailServerOrChangeState(string routeName)
    {
        var route = WebhookRoutes.All.SingleOrDefault(candidate => candidate.Name == routeName);
        Assert.True(route is not null, $"The product has no {routeName} webhook in this build.");
        var seed = BaseSeed + Array.IndexOf(SeedOrder, routeName);
        using var agent = Host.CreateAgentClient();
        var sentinels = await CreateSentinels(agent);
        var before = await ReadSentinelState(agent, sentinels);
        var cases = new FuzzCaseGenerator(route, sentinels, seed).Generate(CasesPerRoute).ToList();
        var failures = new ConcurrentQueue<string>();
        var statusCounts = new ConcurrentDictionary<int, int>();
        var stopwatch = Stopwatch.StartNew();

        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = Host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (fuzzCase, cancellation) =>
        {
            var failure = await Send(client, route, fuzzCase, statusCounts, cancellation);
            if (failure is not null)
            {
                failures.Enqueue(failure);
            }
        });
        output.WriteLine($"{route.Path}: {cases.Count} cases with seed {seed} in {stopwatch.Elapsed.TotalSeconds:F1} s; status counts {string.Join(", ", statusCounts.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"))}");

        using var health = await client.GetAsync("/health/live");
        var after = await ReadSentinelState(agent, sentinels);

        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} requests to {route.Path} (seed {seed}) failed:\n{string.Join("\n", failures.Take(15))}");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(before, after);
    }

    /// <summary>Sends one case and returns why it failed, or null.</summary>
    private static async Task<string?> Send(
        HttpClient client, WebhookRoute route, FuzzCase fuzzCase, ConcurrentDictionary<int, int> statusCounts, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route.Path) { Content = new ByteArrayContent(fuzzCase.Body) };
        if (fuzzCase.ContentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzzCase.ContentType);
        }

        foreach (var (name, value) in fuzzCase.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TransferEncodingChunked = fuzzCase.Chunked;

        try
        {
            using var response = await client.SendAsync(request, cancellation);
            var status = (int)response.StatusCode;
            statusCounts.AddOrUpdate(status, 1, (_, count) => count + 1);

            if (status >= 500)
            {
                return $"HTTP {status} {await response.Content.ReadAsStringAsync(cancellation)} for {fuzzCase.Describe()}";
            }

            if (fuzzCase.ExpectedStatus is { } expected && status != expected)
            {
                return $"HTTP {status}, expected {expected}, for {fuzzCase.Describe()}";
            }

            return null;
        }
        catch (HttpRequestException exception)
        {
            return $"{exception.GetType().Name} ({exception.HttpRequestError}): {exception.Message} for {fuzzCase.Describe()}";
        }
        catch (TaskCanceledException exception)
        {
            return $"timed out ({exception.Message}) for {fuzzCase.Describe()}";
        }
    }

    /// <summary>The sentinel order in <c>link-sent</c>, a decoy order, and one conversation with one message per channel.</summary>
    private async Task<Sentinels> CreateSentinels(HttpClient agent)
    {
        var order = await LinkSentOrder.Create(Host, agent);
        var decoyOrder = await LinkSentOrder.Create(Host, agent);
        var random = new Random();
        var customerIds = new Dictionary<string, string>();
        var decoyIds = new Dictionary<string, string>();

        foreach (var route in WebhookRoutes.All.Where(route => route.Name != "stripe"))
        {
            customerIds[route.Name] = NewCustomerId(route.Name, random);
            decoyIds[route.Name] = NewCustomerId(route.Name, random);
        }

        var sentinels = new Sentinels(order, decoyOrder, customerIds, decoyIds);

        using var client = Host.CreateClient();
        foreach (var route in WebhookRoutes.All.Where(route => route.Name != "stripe"))
        {
            var body = route.SentinelBody(sentinels, random);
            using var request = new HttpRequestMessage(HttpMethod.Post, route.Path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(route.SignatureHeader, route.Sign(body));

            using var response = await client.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"The sentinel message to {route.Path} was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            await Eventually.Get(async () => await MessageCount(agent, route.Name, customerIds[route.Name]) == 1 ? "" : null,
                what: $"the sentinel conversation on {route.Name}");
        }

        return sentinels;
    }

    /// <summary>Customer ids in each platform's format: a PSID, an X user id, a wa_id.</summary>
    private static string NewCustomerId(string channel, Random random) => channel switch
    {
        "messenger" => AgentApi.NewPsid(),
        "x" => random.NextInt64(1_600_000_000_000_000_000, 1_700_000_000_000_000_000).ToString(),
        _ => "31" + random.NextInt64(600_000_000, 699_999_999),
    };

    /// <summary>What the fuzzer must not change, as one comparable text.</summary>
    private static async Task<string> ReadSentinelState(HttpClient agent, Sentinels sentinels)
    {
        var order = await AgentApi.GetOrder(agent, sentinels.Order.OrderId);
        var parts = new List<string>
        {
            $"order {order.Str("status")}",
            $"history {order["history"]!.AsArray().Count}",
            $"alerts {order["alerts"]!.AsArray().Count}",
            $"payment {order["payment"]?.ToJsonString() ?? "null"}",
        };

        foreach (var (channel, customerId) in sentinels.CustomerIds.OrderBy(pair => pair.Key))
        {
            parts.Add($"{channel} messages {await MessageCount(agent, channel, customerId)}");
        }

        return string.Join("; ", parts);
    }

    private static async Task<int> MessageCount(HttpClient agent, string channel, string customerId)
    {
        using var response = await agent.GetAsync($"/api/conversations/{channel}/{customerId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return 0;
        }

        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["messages"]!.AsArray().Count;
    }
}
