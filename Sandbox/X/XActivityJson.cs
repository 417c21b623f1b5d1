using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KlmSocialPay.Sandbox.X;

/// <summary>
/// Builds Account Activity API bodies as X delivers them for one subscribed account: <c>for_user_id</c>, the
/// event array, and the <c>users</c> (and <c>apps</c>) the events refer to, keyed by id. URLs in a DM's text
/// are replaced by t.co links, and the originals go to <c>entities.urls</c> with code-point indices.
/// </summary>
internal static partial class XActivityJson
{
    /// <summary>The client app the simulated customers write from, referred to by <c>source_app_id</c>.</summary>
    public const string SourceAppId = "3033300";

    /// <summary>
    /// Compact JSON with non-ASCII text as raw UTF-8. X does not document its escaping, so the product must verify
    /// the signature over the raw bytes either way.
    /// </summary>
    private static readonly JsonSerializerOptions WireOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A body with one <c>message_create</c> event from <paramref name="userId"/> to the account.</summary>
    public static byte[] MessageCreate(string accountId, string userId, string eventId, DateTimeOffset createdAt, string? text, bool attachPhoto)
    {
        var (wrappedText, urls) = WrapLinks(text ?? "");
        var messageData = new JsonObject();

        JsonObject? attachment = null;
        if (attachPhoto)
        {
            // X appends the photo's t.co link to the text and lists it in entities.urls as well.
            var mediaId = XIds.NewId();
            var link = XIds.NewShortLink();
            var start = CodePoints(wrappedText) + (wrappedText.Length > 0 ? 1 : 0);
            var indices = new JsonArray(start, start + link.Length);
            wrappedText = wrappedText.Length > 0 ? $"{wrappedText} {link}" : link;

            var expandedUrl = $"https://x.com/messages/media/{eventId}";
            var displayUrl = "pic.x.com/" + link["https://t.co/".Length..];
            urls.Add(new JsonObject
            {
                ["url"] = link,
                ["expanded_url"] = expandedUrl,
                ["display_url"] = displayUrl,
                ["indices"] = indices.DeepClone(),
            });
            attachment = new JsonObject
            {
                ["type"] = "media",
                ["media"] = new JsonObject
                {
                    ["id"] = long.Parse(mediaId, CultureInfo.InvariantCulture),
                    ["id_str"] = mediaId,
                    ["indices"] = indices,
                    ["media_url_https"] = $"https://ton.x.com/i/ton/data/dm/{eventId}/{mediaId}/sandbox.jpg",
                    ["url"] = link,
                    ["display_url"] = displayUrl,
                    ["expanded_url"] = expandedUrl,
                    ["type"] = "photo",
                    ["sizes"] = new JsonObject
                    {
                        ["large"] = new JsonObject { ["w"] = 1024, ["h"] = 768, ["resize"] = "fit" },
                    },
                },
            };
        }

        messageData["text"] = wrappedText;
        messageData["entities"] = new JsonObject
        {
            ["hashtags"] = new JsonArray(),
            ["symbols"] = new JsonArray(),
            ["user_mentions"] = new JsonArray(),
            ["urls"] = urls,
        };
        if (attachment is not null)
        {
            messageData["attachment"] = attachment;
        }

        var directMessageEvent = new JsonObject
        {
            ["type"] = "message_create",
            ["id"] = eventId,
            ["created_timestamp"] = Milliseconds(createdAt),
            ["message_create"] = new JsonObject
            {
                ["target"] = new JsonObject { ["recipient_id"] = accountId },
                ["sender_id"] = userId,
                ["source_app_id"] = SourceAppId,
                ["message_data"] = messageData,
            },
        };

        var body = new JsonObject
        {
            ["for_user_id"] = accountId,
            ["direct_message_events"] = new JsonArray(directMessageEvent),
            ["apps"] = new JsonObject
            {
                [SourceAppId] = new JsonObject
                {
                    ["id"] = SourceAppId,
                    ["name"] = "KlmSocialPay sandbox client",
                    ["url"] = "http://127.0.0.1:5080/sandbox/x",
                },
            },
            ["users"] = Users(accountId, userId),
        };

        return Encoding.UTF8.GetBytes(body.ToJsonString(WireOptions));
    }

    /// <summary>A body with one <c>direct_message_indicate_typing_events</c> item: <paramref name="userId"/> is typing to the account.</summary>
    public static byte[] Typing(string accountId, string userId, DateTimeOffset createdAt)
    {
        var body = new JsonObject
        {
            ["for_user_id"] = accountId,
            ["direct_message_indicate_typing_events"] = new JsonArray(new JsonObject
            {
                ["created_timestamp"] = Milliseconds(createdAt),
                ["sender_id"] = userId,
                ["target"] = new JsonObject { ["recipient_id"] = accountId },
            }),
            ["users"] = Users(accountId, userId),
        };

        return Encoding.UTF8.GetBytes(body.ToJsonString(WireOptions));
    }

    /// <summary>Replaces each http(s) URL in <paramref name="text"/> with a t.co link and describes it as X's <c>entities.urls</c> do.</summary>
    internal static (string Text, JsonArray Urls) WrapLinks(string text)
    {
        var urls = new JsonArray();
        var wrapped = new StringBuilder();
        var codePoints = 0;
        var copiedUpTo = 0;

        foreach (Match match in UrlPattern().Matches(text))
        {
            var before = text[copiedUpTo..match.Index];
            wrapped.Append(before);
            codePoints += CodePoints(before);

            var link = XIds.NewShortLink();
            urls.Add(new JsonObject
            {
                ["url"] = link,
                ["expanded_url"] = match.Value,
                ["display_url"] = DisplayUrl(match.Value),
                ["indices"] = new JsonArray(codePoints, codePoints + link.Length),
            });

            wrapped.Append(link);
            codePoints += link.Length;
            copiedUpTo = match.Index + match.Length;
        }

        wrapped.Append(text[copiedUpTo..]);
        return (wrapped.ToString(), urls);
    }

    private static JsonObject Users(string accountId, string userId) => new()
    {
        [accountId] = User(accountId, "KLM Royal Dutch Airlines (sandbox)", "KLM_sandbox"),
        [userId] = User(userId, $"Sandbox customer {Tail(userId, 4)}", $"customer_{Tail(userId, 6)}"),
    };

    private static string Tail(string id, int length) => id.Length <= length ? id : id[^length..];

    private static JsonObject User(string id, string name, string screenName) => new()
    {
        ["id"] = id,
        ["created_timestamp"] = "1422556069340",
        ["name"] = name,
        ["screen_name"] = screenName,
        ["protected"] = false,
        ["verified"] = false,
        ["followers_count"] = 0,
        ["friends_count"] = 0,
        ["statuses_count"] = 0,
        ["profile_image_url_https"] = "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png",
    };

    /// <summary>X writes <c>created_timestamp</c> as a string of milliseconds since the Unix epoch.</summary>
    private static string Milliseconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static int CodePoints(string text) => text.EnumerateRunes().Count();

    /// <summary>The URL without its scheme, cut after 26 characters with an ellipsis, as X shows links.</summary>
    private static string DisplayUrl(string url)
    {
        var withoutScheme = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        return withoutScheme.Length <= 26 ? withoutScheme : withoutScheme[..26] + "…";
    }

    /// <summary>An http(s) URL up to the next whitespace, without trailing punctuation.</summary>
    [GeneratedRegex("""https?://\S*[^\s.,!?;:)\]'"]""")]
    private static partial Regex UrlPattern();
}
