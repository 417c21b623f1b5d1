using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KlmSocialPay.Tests.Infrastructure;

/// <summary>Calls the product the way an agent app and a customer (through the sandbox) do.</summary>
internal static class AgentApi
{
    public static async Task<HttpResponseMessage> CustomerWrites(HttpClient client, string psid, string text)
    {
        var response = await client.PostAsJsonAsync($"/sandbox/messenger/customers/{psid}/messages", new { text });
        response.EnsureSuccessStatusCode();
        return response;
    }

    public static object Order(string currency = "EUR", long amount = 4500, string? language = null) => new
    {
        bookingReference = "X7K2QP",
        currency,
        language,
        items = new[] { new { kind = "seat", description = "Seat 12A, KL1234 AMS-JFK", amount } },
    };

    public static async Task<JsonNode> CreateOrder(HttpClient agent, string psid, object? order = null)
    {
        var response = await agent.PostAsJsonAsync($"/api/conversations/messenger/{psid}/orders", order ?? Order());
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    public static async Task<JsonNode> RequestLink(HttpClient agent, string orderId)
    {
        var response = await agent.PostAsync($"/api/orders/{orderId}/payment-link", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"payment-link answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    public static async Task<JsonNode> GetOrder(HttpClient agent, string orderId) =>
        (await agent.GetFromJsonAsync<JsonNode>($"/api/orders/{orderId}"))!;

    public static async Task<JsonNode> WaitForStatus(HttpClient agent, string orderId, string status) =>
        await Eventually.Get(async () =>
        {
            var order = await GetOrder(agent, orderId);
            return order["status"]!.GetValue<string>() == status ? order : null;
        }, what: $"order {orderId} to be {status}");

    public static async Task<JsonArray> Notifications(HttpClient agent) =>
        (await agent.GetFromJsonAsync<JsonArray>("/api/agents/me/notifications"))!;

    public static string NewPsid() => "70000" + Random.Shared.NextInt64(10_000_000_000, 99_999_999_999);

    public static string Str(this JsonNode node, string path)
    {
        var current = node;
        foreach (var part in path.Split('.'))
        {
            current = current?[part];
        }

        return current?.GetValue<string>() ?? throw new KeyNotFoundException($"{path} missing in {node.ToJsonString()}");
    }

    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
