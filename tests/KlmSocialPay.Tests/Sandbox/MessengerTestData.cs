using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>Send API requests as the product's Messenger client makes them, and customer messages.</summary>
internal static class MessengerTestData
{
    private static int psidCounter;

    /// <summary>A PSID no other test uses, in Meta's numeric format.</summary>
    public static string NewPsid() => "7000" + Interlocked.Increment(ref psidCounter).ToString("D12", System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject TextMessage(string psid, string text = "Here is your payment link.", string messagingType = "RESPONSE") => new()
    {
        ["recipient"] = new JsonObject { ["id"] = psid },
        ["messaging_type"] = messagingType,
        ["message"] = new JsonObject { ["text"] = text },
    };

    /// <summary>The button template with a web_url button to the checkout page and a postback button.</summary>
    public static JsonObject ButtonTemplate(string psid, string text = "Your order ord_000123: 15.00 EUR", int buttonCount = 2, string title = "Pay 15.00 EUR") => new()
    {
        ["recipient"] = new JsonObject { ["id"] = psid },
        ["messaging_type"] = "RESPONSE",
        ["message"] = new JsonObject
        {
            ["attachment"] = new JsonObject
            {
                ["type"] = "template",
                ["payload"] = new JsonObject
                {
                    ["template_type"] = "button",
                    ["text"] = text,
                    ["buttons"] = new JsonArray(Enumerable.Range(0, buttonCount).Select(index => (JsonNode)(index == 0
                        ? new JsonObject { ["type"] = "web_url", ["url"] = "http://127.0.0.1:5080/sandbox/stripe/pay/cs_test_x", ["title"] = title, ["webview_height_ratio"] = "full" }
                        : new JsonObject { ["type"] = "postback", ["title"] = "Cancel order", ["payload"] = $"CANCEL_ORDER:{index}" })).ToArray()),
                },
            },
        },
    };

    /// <summary>Sends <paramref name="body"/> to the Send API with a Bearer token (the default) or none.</summary>
    public static async Task<(HttpResponseMessage Response, JsonNode Body)> SendAsync(SandboxTestHost host, JsonObject body, string? token = SandboxTestHost.PageAccessToken, string path = "/sandbox/meta/v25.0/me/messages")
    {
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await client.SendAsync(request);
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    public static async Task<HttpResponseMessage> CustomerWritesAsync(SandboxTestHost host, string psid, JsonObject message)
    {
        using var client = host.CreateClient();
        return await client.PostAsJsonAsync($"/sandbox/messenger/customers/{psid}/messages", message);
    }

    public static async Task<HttpResponseMessage> InjectFailureAsync(SandboxTestHost host, string psid, int code, int count)
    {
        using var client = host.CreateClient();
        return await client.PostAsJsonAsync("/sandbox/meta/failures", new JsonObject { ["recipientId"] = psid, ["code"] = code, ["count"] = count });
    }
}
