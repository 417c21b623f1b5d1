using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Channels.WhatsApp;

/// <summary>
/// Cloud API webhook bodies built the way Meta writes them (compact, non-ASCII as <c>\uXXXX</c>, '/' as
/// <c>\/</c>), and calls to the product and the sandbox that the WhatsApp tests share.
/// </summary>
internal static partial class WhatsAppTestData
{
    public const string AppSecret = "sandbox-meta-app-secret";
    public const string VerifyToken = "sandbox-verify-token";
    public const string AccessToken = "sandbox-whatsapp-token";
    public const string PhoneNumberId = "100000000000777";
    public const string BusinessAccountId = "200000000000777";

    public static string NewWaId() => "31" + Random.Shared.NextInt64(600_000_000, 699_999_999).ToString(CultureInfo.InvariantCulture);

    public static string NewWamid() => "wamid.HBgL" + Guid.NewGuid().ToString("N");

    public static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>A body with one entry per argument; each entry is a list of changes.</summary>
    public static byte[] Notification(params JsonArray[] entries)
    {
        var entryArray = new JsonArray();
        foreach (var changes in entries)
        {
            entryArray.Add(new JsonObject { ["id"] = BusinessAccountId, ["changes"] = changes });
        }

        return MetaEncode(new JsonObject { ["object"] = "whatsapp_business_account", ["entry"] = entryArray });
    }

    /// <summary>A body with a single entry holding <paramref name="changes"/>.</summary>
    public static byte[] Changes(params JsonObject[] changes) => Notification(new JsonArray(changes));

    /// <summary>A <c>messages</c> change with the customers' messages, each with its contact.</summary>
    public static JsonObject MessagesChange(params JsonObject[] messages)
    {
        var value = Value();
        value["contacts"] = new JsonArray(messages
            .Select(message => message["from"]!.GetValue<string>())
            .Distinct()
            .Select(waId => (JsonNode)new JsonObject { ["profile"] = new JsonObject { ["name"] = "Alex Example" }, ["wa_id"] = waId })
            .ToArray());
        value["messages"] = new JsonArray(messages);
        return Change(value);
    }

    /// <summary>A <c>messages</c> change that carries only <c>statuses</c>, as Meta sends delivery callbacks.</summary>
    public static JsonObject StatusesChange(params JsonObject[] statuses)
    {
        var value = Value();
        value["statuses"] = new JsonArray(statuses);
        return Change(value);
    }

    /// <summary>The start of a change value: the product and the business number it concerns.</summary>
    public static JsonObject Value() => new()
    {
        ["messaging_product"] = "whatsapp",
        ["metadata"] = new JsonObject { ["display_phone_number"] = "15550000777", ["phone_number_id"] = PhoneNumberId },
    };

    public static JsonObject Change(JsonObject value, string field = "messages") => new() { ["value"] = value, ["field"] = field };

    public static JsonObject TextMessage(string from, string wamid, string text, DateTimeOffset? at = null) => new()
    {
        ["from"] = from,
        ["id"] = wamid,
        ["timestamp"] = Seconds(at ?? DateTimeOffset.UtcNow),
        ["type"] = "text",
        ["text"] = new JsonObject { ["body"] = text },
    };

    public static JsonObject MediaMessage(string from, string wamid, string type) => new()
    {
        ["from"] = from,
        ["id"] = wamid,
        ["timestamp"] = Seconds(DateTimeOffset.UtcNow),
        ["type"] = type,
        [type] = new JsonObject { ["mime_type"] = "image/jpeg", ["sha256"] = "c2hhMjU2", ["id"] = "1000000000000001" },
    };

    public static JsonObject Status(string wamid, string status, string recipientId, DateTimeOffset? at = null, int? errorCode = null)
    {
        var item = new JsonObject
        {
            ["id"] = wamid,
            ["status"] = status,
            ["timestamp"] = Seconds(at ?? DateTimeOffset.UtcNow),
            ["recipient_id"] = recipientId,
        };

        if (errorCode is { } code)
        {
            item["errors"] = new JsonArray(new JsonObject
            {
                ["code"] = code,
                ["title"] = "Message undeliverable",
                ["message"] = "Message undeliverable",
                ["error_data"] = new JsonObject { ["details"] = "The recipient cannot receive this message." },
            });
        }

        return item;
    }

    /// <summary>Serializes as Meta does: compact, every character outside printable ASCII as <c>\uXXXX</c>, '/' as <c>\/</c>.</summary>
    public static byte[] MetaEncode(JsonNode node)
    {
        // The relaxed encoder leaves most characters as they are but escapes surrogate pairs in upper case;
        // Meta writes lower-case hex. Test texts contain no backslash, so every \u here is such an escape.
        var compact = UpperCaseEscape().Replace(
            node.ToJsonString(new System.Text.Json.JsonSerializerOptions
            {
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }),
            match => match.Value.ToLowerInvariant());

        var builder = new StringBuilder();
        foreach (var character in compact)
        {
            if (character == '/')
            {
                builder.Append("\\/");
            }
            else if (character > '\u007e')
            {
                builder.Append("\\u").Append(((int)character).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(character);
            }
        }

        return Encoding.ASCII.GetBytes(builder.ToString());
    }

    public static async Task<HttpResponseMessage> PostWebhook(HttpClient client, byte[] body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature);
        }

        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostSigned(HttpClient client, byte[] body) =>
        PostWebhook(client, body, Signatures.Meta(body, AppSecret));

    /// <summary>The customer writes through the sandbox, which posts the signed webhook to the product.</summary>
    public static async Task<JsonNode> CustomerWrites(HttpClient client, string waId, string text)
    {
        var response = await client.PostAsJsonAsync($"/sandbox/whatsapp/customers/{waId}/messages", new { text });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    public static async Task<JsonNode> Conversation(HttpClient agent, string waId) =>
        (await agent.GetFromJsonAsync<JsonNode>($"/api/conversations/whatsapp/{waId}"))!;

    public static async Task<JsonNode> CreateOrder(HttpClient agent, string waId)
    {
        var response = await agent.PostAsJsonAsync($"/api/conversations/whatsapp/{waId}/orders", AgentApi.Order());
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    /// <summary>
    /// A customer who wrote through the sandbox and received a payment link, with the wamid of that link's
    /// message as the product recorded it.
    /// </summary>
    public static async Task<(string WaId, string OrderId, string Wamid)> LinkSent(HttpClient client, HttpClient agent)
    {
        var waId = NewWaId();
        await CustomerWrites(client, waId, "Can I pay for extra legroom here?");
        var orderId = (await CreateOrder(agent, waId)).Str("id");
        await AgentApi.RequestLink(agent, orderId);
        return (waId, orderId, (await OutboundMessage(agent, waId)).Str("id"));
    }

    /// <summary>The outbound message of the conversation, as the agent API shows it.</summary>
    public static async Task<JsonNode> OutboundMessage(HttpClient agent, string waId) =>
        (await Conversation(agent, waId))["messages"]!.AsArray().Single(m => m!.Str("direction") == "outbound")!;

    [GeneratedRegex(@"\\u[0-9A-F]{4}")]
    private static partial Regex UpperCaseEscape();
}
