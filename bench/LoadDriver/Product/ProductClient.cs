using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KlmSocialPay.LoadDriver.Measurement;

namespace KlmSocialPay.LoadDriver.Product;

/// <summary>
/// The product's HTTP surface as the platforms and an agent app call it. Every call records its latency
/// (send to response read) under an operation name, and a non-2xx status or an exception as an error.
/// </summary>
public sealed class ProductClient : IDisposable
{
    public const string MessengerWebhook = "POST /webhooks/messenger";
    public const string CreateOrder = "POST /api/conversations/messenger/{psid}/orders";
    public const string PaymentLink = "POST /api/orders/{id}/payment-link";
    public const string StripeWebhook = "POST /webhooks/stripe";
    public const string GetOrder = "GET /api/orders/{id}";
    public const string Notifications = "GET /api/agents/me/notifications";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient http;
    private readonly WebhookPayloads payloads;

    public ProductClient(Uri baseAddress, WebhookPayloads payloads)
    {
        if (!IsLoopback(baseAddress))
        {
            throw new ArgumentException($"The driver only sends to 127.0.0.1, not to {baseAddress}.", nameof(baseAddress));
        }

        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 2048,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
        };
        http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = RequestTimeout };
        this.payloads = payloads;
    }

    public WebhookPayloads Payloads => payloads;

    /// <summary>Posts one signed Messenger message event; true on 2xx.</summary>
    public async Task<bool> PostMessage(string psid, string mid, long sequence, LatencyRecorder recorder, string operation = MessengerWebhook)
    {
        var body = payloads.MessengerMessage(psid, mid, sequence);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/messenger")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", payloads.MetaSignature(body));
        return await Send(request, recorder, operation) is not null;
    }

    /// <summary>Creates a one-seat order in the customer's conversation; returns its id, or null on failure.</summary>
    public async Task<string?> CreateSeatOrder(string agentKey, string psid, long amount, LatencyRecorder recorder)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/messenger/{psid}/orders")
        {
            Content = JsonContent.Create(new
            {
                bookingReference = "X7K2QP",
                currency = "EUR",
                language = "nl",
                items = new[] { new { kind = "seat", description = "Seat 12A, KL1234 AMS-JFK", amount } },
            }),
        };
        Authorize(request, agentKey);
        var body = await Send(request, recorder, CreateOrder);
        return body is null ? null : ReadString(body, recorder, CreateOrder, "id");
    }

    /// <summary>Requests the payment link; returns the Checkout Session id, or null on failure.</summary>
    public async Task<string?> RequestPaymentLink(string agentKey, string orderId, LatencyRecorder recorder)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{orderId}/payment-link");
        Authorize(request, agentKey);
        var body = await Send(request, recorder, PaymentLink);
        return body is null ? null : ReadString(body, recorder, PaymentLink, "paymentLink", "checkoutSessionId");
    }

    /// <summary>Posts a signed <c>checkout.session.completed</c> for a paid session; true on 2xx.</summary>
    public async Task<bool> PostCheckoutCompleted(string orderId, string sessionId, long amount, LatencyRecorder recorder)
    {
        var json = payloads.CheckoutSessionCompleted("evt_bench_" + Guid.NewGuid().ToString("N"), sessionId, orderId, amount, "EUR");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", payloads.StripeSignature(json));
        return await Send(request, recorder, StripeWebhook) is not null;
    }

    /// <summary>Reads an order; returns its status, or null on failure.</summary>
    public async Task<string?> ReadOrderStatus(string agentKey, string orderId, LatencyRecorder recorder, string operation = GetOrder)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{orderId}");
        Authorize(request, agentKey);
        var body = await Send(request, recorder, operation);
        return body is null ? null : ReadString(body, recorder, operation, "status");
    }

    /// <summary>Reads the agent's notifications after a sequence number; null on failure.</summary>
    public async Task<IReadOnlyList<(long Sequence, string Type, string OrderId)>?> ReadNotifications(
        string agentKey, long after, LatencyRecorder recorder)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/agents/me/notifications?after={after}");
        Authorize(request, agentKey);
        var body = await Send(request, recorder, Notifications);
        if (body is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.EnumerateArray().Select(item => (
            item.GetProperty("sequence").GetInt64(),
            item.GetProperty("type").GetString() ?? "",
            item.GetProperty("orderId").GetString() ?? ""))];
    }

    public void Dispose() => http.Dispose();

    private async Task<byte[]?> Send(HttpRequestMessage request, LatencyRecorder recorder, string operation)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            var elapsed = LatencyRecorder.ElapsedMilliseconds(start);
            if (!response.IsSuccessStatusCode)
            {
                recorder.Error(operation, elapsed, $"HTTP {(int)response.StatusCode}");
                return null;
            }

            recorder.Success(operation, elapsed);
            return body;
        }
        catch (HttpRequestException ex)
        {
            recorder.Error(operation, LatencyRecorder.ElapsedMilliseconds(start), $"connection: {ex.HttpRequestError}");
            return null;
        }
        catch (TaskCanceledException)
        {
            recorder.Error(operation, LatencyRecorder.ElapsedMilliseconds(start), $"timed out after {RequestTimeout.TotalSeconds:0} s");
            return null;
        }
    }

    private static string? ReadString(byte[] body, LatencyRecorder recorder, string operation, params string[] path)
    {
        using var document = JsonDocument.Parse(body);
        var element = document.RootElement;
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                recorder.Error(operation + " (body)", 0, $"'{string.Join('.', path)}' missing in the response: {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 160)))}");
                return null;
            }
        }

        return element.GetString();
    }

    private static void Authorize(HttpRequestMessage request, string agentKey) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agentKey);

    private static bool IsLoopback(Uri address) =>
        address.IsLoopback && System.Net.IPAddress.TryParse(address.Host, out var ip) && System.Net.IPAddress.IsLoopback(ip);
}
