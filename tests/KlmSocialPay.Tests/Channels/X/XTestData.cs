using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KlmSocialPay.Tests.Channels.X;

/// <summary>
/// Account Activity bodies in X's shape, written for these tests, and the development settings the test host
/// runs the X channel and its sandbox with.
/// </summary>
internal static class XTestData
{
    public const string ConsumerSecret = "sandbox-x-consumer-secret";
    public const string UserAccessToken = "sandbox-x-user-token";
    public const string AccountId = "1500000000000000001";
    public const string SignatureHeader = "x-twitter-webhooks-signature";

    public static string NewUserId() => Random.Shared.NextInt64(1_600_000_000_000_000_000, 1_700_000_000_000_000_000).ToString();

    public static string NewEventId() => Random.Shared.NextInt64(1_900_000_000_000_000_000, 2_000_000_000_000_000_000).ToString();

    /// <summary><c>sha256=&lt;base64 HMAC-SHA256(secret, body)&gt;</c>, computed here independently of the product.</summary>
    public static string Sign(byte[] body, string secret = ConsumerSecret) =>
        "sha256=" + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>One <c>message_create</c> event from <paramref name="senderId"/> to <paramref name="recipientId"/>.</summary>
    public static JsonObject MessageCreate(
        string senderId, string eventId, string? text, DateTimeOffset? createdAt = null,
        string recipientId = AccountId, JsonArray? urls = null, JsonObject? attachment = null)
    {
        var messageData = new JsonObject
        {
            ["text"] = text,
            ["entities"] = new JsonObject
            {
                ["hashtags"] = new JsonArray(),
                ["symbols"] = new JsonArray(),
                ["user_mentions"] = new JsonArray(),
                ["urls"] = urls ?? new JsonArray(),
            },
        };
        if (attachment is not null)
        {
            messageData["attachment"] = attachment;
        }

        return new JsonObject
        {
            ["type"] = "message_create",
            ["id"] = eventId,
            ["created_timestamp"] = (createdAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds().ToString(),
            ["message_create"] = new JsonObject
            {
                ["target"] = new JsonObject { ["recipient_id"] = recipientId },
                ["sender_id"] = senderId,
                ["source_app_id"] = "268278",
                ["message_data"] = messageData,
            },
        };
    }

    /// <summary>
    /// A photo DM as X delivers it: the text ends with the photo's t.co link, which also appears in
    /// <c>entities.urls</c> and in <c>attachment.media</c> with code-point indices.
    /// </summary>
    public static JsonObject PhotoMessage(string senderId, string eventId, string? caption)
    {
        const string Link = "https://t.co/Ph0t0L1nk9";
        var prefix = caption is null ? "" : caption + " ";
        var start = prefix.EnumerateRunes().Count();
        var indices = new JsonArray(start, start + Link.Length);
        var urls = new JsonArray(new JsonObject
        {
            ["url"] = Link,
            ["expanded_url"] = $"https://x.com/messages/media/{eventId}",
            ["display_url"] = "pic.x.com/Ph0t0L1nk9",
            ["indices"] = indices.DeepClone(),
        });
        var attachment = new JsonObject
        {
            ["type"] = "media",
            ["media"] = new JsonObject
            {
                ["id"] = 1990000000000000777,
                ["id_str"] = "1990000000000000777",
                ["indices"] = indices,
                ["media_url_https"] = $"https://ton.x.com/i/ton/data/dm/{eventId}/1990000000000000777/photo.jpg",
                ["url"] = Link,
                ["display_url"] = "pic.x.com/Ph0t0L1nk9",
                ["expanded_url"] = $"https://x.com/messages/media/{eventId}",
                ["type"] = "photo",
            },
        };

        return MessageCreate(senderId, eventId, prefix + Link, urls: urls, attachment: attachment);
    }

    /// <summary>An Account Activity body for the test account with the given direct message events and their users.</summary>
    public static byte[] Activity(params JsonObject[] directMessageEvents)
    {
        var users = new JsonObject { [AccountId] = User(AccountId) };
        foreach (var senderId in directMessageEvents.Select(e => e["message_create"]?["sender_id"]?.GetValue<string>()).OfType<string>().Distinct())
        {
            users[senderId] = User(senderId);
        }

        return Serialize(new JsonObject
        {
            ["for_user_id"] = AccountId,
            ["direct_message_events"] = new JsonArray([.. directMessageEvents]),
            ["users"] = users,
        });
    }

    /// <summary>Compact JSON with non-ASCII text as raw UTF-8, or as <c>\uXXXX</c> escapes when <paramref name="escapeNonAscii"/>.</summary>
    public static byte[] Serialize(JsonNode body, bool escapeNonAscii = false) =>
        Encoding.UTF8.GetBytes(body.ToJsonString(new JsonSerializerOptions
        {
            Encoder = escapeNonAscii ? JavaScriptEncoder.Default : JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));

    public static JsonObject User(string id) => new()
    {
        ["id"] = id,
        ["created_timestamp"] = "1422556069340",
        ["name"] = id == AccountId ? "Airline" : "Customer",
        ["screen_name"] = id == AccountId ? "airline" : "customer_" + id[^4..],
        ["protected"] = false,
        ["verified"] = false,
        ["followers_count"] = 1,
        ["friends_count"] = 2,
        ["statuses_count"] = 3,
    };

    public static async Task<HttpResponseMessage> PostWebhook(HttpClient client, byte[] body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/x") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(SignatureHeader, signature);
        }

        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostSigned(HttpClient client, byte[] body) => PostWebhook(client, body, Sign(body));
}
