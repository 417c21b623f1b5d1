using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Cluster;

/// <summary>
/// One customer's flow: the message, the order, the link, and, unless <see cref="LeftUnpaid"/>, the payment
/// on the sandbox's checkout page. <see cref="Failure"/> is set when a step did not succeed in time, and
/// <see cref="Stranded"/> when the link's delivery can never start (see <see cref="StrandedDeliveryException"/>).
/// </summary>
internal sealed record PaidFlow(
    int Index, string Psid, string? OrderId, string? CheckoutSessionId, bool PaidBySandbox, bool LeftUnpaid, string? Failure, bool Stranded = false);

/// <summary>
/// The order waits for a link delivery that never started: the pending delivery was stored, but the outbound
/// message grain never received the message, so no attempt and no retry reminder exist.
/// </summary>
internal sealed class StrandedDeliveryException(string orderId, string messageId)
    : Exception($"Order {orderId} waits for message {messageId}, which the outbox never received.");

/// <summary>
/// Starts paid flows at a steady rate through the API process, as a customer and an agent app would. A request
/// that fails with 5xx, a timeout or a refused connection is retried after its Retry-After (at most
/// <see cref="MaxRetryDelay"/>) until <see cref="StepTimeout"/> runs out.
/// </summary>
internal sealed class PaidFlowDriver(ProductCluster cluster, string agentId) : IDisposable
{
    /// <summary>
    /// Covers the outbox's backstop: when a silo dies during a link's send, the message's one-minute reminder
    /// retries it, and until then the product returns 409 (delivery in progress).
    /// </summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How old a pending delivery with no attempt and no retry reminder must be to count as stranded: longer than
    /// the Orleans 10 default response timeout (30 s), so the call that should have started it has ended.
    /// </summary>
    private static readonly TimeSpan StrandedAfter = TimeSpan.FromSeconds(35);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly HttpClient customer = cluster.CreateClient();
    private readonly HttpClient agent = cluster.CreateAgentClient(agentId);
    private int started;

    /// <summary>Each retried request as "step: status", to show how hard a fault hit.</summary>
    public ConcurrentQueue<string> Retries { get; } = new();

    public int Started => Volatile.Read(ref started);

    /// <summary>Runs <paramref name="count"/> flows, one every <paramref name="interval"/>; every <paramref name="unpaidEvery"/>-th flow stops at the link.</summary>
    public async Task<IReadOnlyList<PaidFlow>> RunAsync(int count, TimeSpan interval, int unpaidEvery)
    {
        var flows = new List<Task<PaidFlow>>();
        for (var index = 0; index < count; index++)
        {
            flows.Add(RunOneAsync(index, leaveUnpaid: index % unpaidEvery == unpaidEvery - 1));
            Interlocked.Increment(ref started);
            await Task.Delay(interval);
        }

        return await Task.WhenAll(flows);
    }

    public async Task WaitUntilStartedAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (Started < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {Started} of {count} flows started within a minute.");
            }

            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        customer.Dispose();
        agent.Dispose();
    }

    private async Task<PaidFlow> RunOneAsync(int index, bool leaveUnpaid)
    {
        var psid = AgentApi.NewPsid();
        string? orderId = null;
        string? sessionId = null;
        try
        {
            // A fixed mid makes a resent webhook a duplicate, which the product records once.
            var mid = "m_cluster_" + Guid.NewGuid().ToString("N");
            await SendAsync("customer message",
                () => customer.PostAsJsonAsync($"/sandbox/messenger/customers/{psid}/messages", new { text = "I would like seat 12A", mid }),
                ReadAcceptedAsync);

            var draft = AgentApi.Order(amount: 4500 + index);
            orderId = await SendAsync("order",
                () => agent.PostAsJsonAsync($"/api/conversations/messenger/{psid}/orders", draft),
                ReadOrderIdAsync);

            var createdOrderId = orderId;
            sessionId = await SendAsync("payment link",
                () => agent.PostAsync($"/api/orders/{createdOrderId}/payment-link", null),
                response => ReadSessionIdAsync(createdOrderId, response));
            if (leaveUnpaid)
            {
                return new PaidFlow(index, psid, orderId, sessionId, PaidBySandbox: false, LeftUnpaid: true, Failure: null);
            }

            var paidSessionId = sessionId;
            await SendAsync("pay",
                () => customer.PostAsJsonAsync($"/sandbox/stripe/pay/{paidSessionId}", new { method = "card" }),
                ReadPaidAsync);
            return new PaidFlow(index, psid, orderId, sessionId, PaidBySandbox: true, LeftUnpaid: false, Failure: null);
        }
        catch (StrandedDeliveryException ex)
        {
            return new PaidFlow(index, psid, orderId, sessionId, PaidBySandbox: false, leaveUnpaid, ex.Message, Stranded: true);
        }
        catch (Exception ex)
        {
            // Recorded, not thrown, so that one stuck flow does not hide what happened to the others.
            return new PaidFlow(index, psid, orderId, sessionId, PaidBySandbox: false, leaveUnpaid, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// Sends until <paramref name="read"/> returns a value. <paramref name="read"/> returns null for a response
    /// worth retrying and throws for any other failure.
    /// </summary>
    private async Task<string> SendAsync(string step, Func<Task<HttpResponseMessage>> send, Func<HttpResponseMessage, Task<string?>> read)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        var lastOutcome = "no attempt";
        while (DateTime.UtcNow < deadline)
        {
            var delay = DefaultRetryDelay;
            try
            {
                using var response = await send();
                if (await read(response) is { } value)
                {
                    return value;
                }

                lastOutcome = $"HTTP {(int)response.StatusCode}";
                delay = RetryAfter(response);
            }
            catch (HttpRequestException ex)
            {
                lastOutcome = ex.HttpRequestError.ToString();
            }
            catch (TaskCanceledException)
            {
                lastOutcome = "timeout";
            }

            Retries.Enqueue($"{step}: {lastOutcome}");
            await Task.Delay(delay);
        }

        throw new TimeoutException($"Step '{step}' did not succeed within {StepTimeout.TotalSeconds} s; last outcome {lastOutcome}.");
    }

    /// <summary>The sandbox returns 200 with the product's status; 502 means the product did not respond at all.</summary>
    private static async Task<string?> ReadAcceptedAsync(HttpResponseMessage response)
    {
        if (IsRetryable(response.StatusCode))
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await UnexpectedAsync("customer message", response);
        }

        return (await ReadJson(response))["accepted"]?.GetValue<bool>() == true ? "accepted" : null;
    }

    private static async Task<string?> ReadOrderIdAsync(HttpResponseMessage response)
    {
        if (IsRetryable(response.StatusCode))
        {
            return null;
        }

        return response.StatusCode == HttpStatusCode.Created
            ? (await ReadJson(response)).Str("id")
            : throw await UnexpectedAsync("order", response);
    }

    /// <summary>
    /// Returns the session id once the order is <c>link-sent</c>, or null to try again. A 202, a 409 and a 5xx are
    /// settled by reading the order, because an earlier attempt may have sent the link or may still be sending it.
    /// </summary>
    private async Task<string?> ReadSessionIdAsync(string orderId, HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return (await ReadJson(response)).Str("paymentLink.checkoutSessionId");
        }

        if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.Conflict) && !IsRetryable(response.StatusCode))
        {
            throw await UnexpectedAsync("payment link", response);
        }

        using var current = await agent.GetAsync($"/api/orders/{orderId}");
        if (!current.IsSuccessStatusCode)
        {
            return null;
        }

        var order = await ReadJson(current);
        if (order["status"]?.GetValue<string>() == "link-sent")
        {
            return order.Str("paymentLink.checkoutSessionId");
        }

        if (await IsStrandedAsync(order))
        {
            throw new StrandedDeliveryException(orderId, order.Str("pendingDelivery.messageId"));
        }

        return null;
    }

    private async Task<bool> IsStrandedAsync(JsonNode order)
    {
        if (order["status"]?.GetValue<string>() != "requested" || order["pendingDelivery"] is not { } pending)
        {
            return false;
        }

        var requestedAt = pending["requestedAt"]!.GetValue<DateTimeOffset>();
        return DateTimeOffset.UtcNow - requestedAt > StrandedAfter
            && pending["attempts"]?.GetValue<int>() == 0
            && pending["nextAttemptAt"] is null
            && await cluster.CountRemindersAsync(pending.Str("messageId"), "send") == 0;
    }

    private static async Task<string?> ReadPaidAsync(HttpResponseMessage response)
    {
        if (IsRetryable(response.StatusCode))
        {
            return null;
        }

        return response.IsSuccessStatusCode ? "paid" : throw await UnexpectedAsync("pay", response);
    }

    // TODO: 500 is retried as well, because a PostgresException from the reminder service reaches the API unwrapped
    // and DomainExceptionHandler maps no DbException to 503. Retry only 502, 503 and 504 once it does.
    private static bool IsRetryable(HttpStatusCode status) => (int)status >= 500;

    private static TimeSpan RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is not { } delta || delta <= TimeSpan.Zero)
        {
            return DefaultRetryDelay;
        }

        return delta < MaxRetryDelay ? delta : MaxRetryDelay;
    }

    private static async Task<JsonNode> ReadJson(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("The response body is empty.");

    private static async Task<InvalidOperationException> UnexpectedAsync(string step, HttpResponseMessage response) =>
        new($"Step '{step}' returned HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
}
