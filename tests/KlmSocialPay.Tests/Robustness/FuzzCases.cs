using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace KlmSocialPay.Tests.Robustness;

/// <summary>
/// One fuzzed request: its body, headers and framing, and what it must not do beyond "no 5xx".
/// <see cref="Kind"/> and <see cref="Index"/> name the case in failure messages, so a seed reproduces it.
/// </summary>
internal sealed record FuzzCase(
    int Index,
    string Kind,
    byte[] Body,
    string? ContentType,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    bool Chunked = false,
    int? ExpectedStatus = null)
{
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"case {Index} ({Kind}, {Body.Length} bytes, content type {ContentType ?? "none"}{(Chunked ? ", chunked" : "")}): {Preview()}");

    private string Preview()
    {
        var text = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 600));

        return text.Replace("\n", "\\n", StringComparison.Ordinal);
    }
}

/// <summary>
/// Builds a seeded sequence of malformed requests for one webhook route: empty, random, truncated, bit-flipped,
/// wrongly signed, correctly signed but malformed, wrong content type, and oversized bodies. Bodies about the
/// sentinels are never correctly signed (see <see cref="WebhookRoute"/>).
/// </summary>
internal sealed class FuzzCaseGenerator(WebhookRoute route, Sentinels sentinels, int seed)
{
    /// <summary>Oversized cases are few because each one moves megabytes over loopback.</summary>
    private const int OversizedEvery = 250;

    private static readonly string[] WrongContentTypes =
    [
        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
        "application/json; charset=latin1", "image/png",
    ];

    private readonly Random random = new(seed);

    public IEnumerable<FuzzCase> Generate(int count)
    {
        for (var index = 0; index < count; index++)
        {
            yield return index % OversizedEvery == OversizedEvery - 1 ? Oversized(index) : Next(index);
        }
    }

    /// <summary>Picks a kind of case. Correctly signed but malformed bodies get the largest share, because they get past the signature check.</summary>
    private FuzzCase Next(int index) => random.Next(14) switch
    {
        0 => Empty(index),
        1 => RandomBytes(index),
        2 => UnsignedSentinel(index, "truncated", Truncate(route.SentinelBody(sentinels, random))),
        3 => BitFlippedSentinelWithItsSignature(index),
        4 => WronglySignedSentinel(index),
        5 or 6 => SignedDecoy(index, "signed bit-flipped", FlipBits(route.DecoyBody(sentinels, random))),
        7 => SignedDecoy(index, "signed truncated", Truncate(route.DecoyBody(sentinels, random))),
        8 or 9 or 10 or 11 => SignedDecoy(index, "signed structure", MutateStructure(route.DecoyBody(sentinels, random))),
        12 => SignedDecoy(index, "signed raw", MutateRaw(route.DecoyBody(sentinels, random))),
        _ => WrongContentType(index),
    };

    private FuzzCase Empty(int index) => random.Next(3) switch
    {
        0 => new FuzzCase(index, "empty unsigned", [], null, []),
        1 => new FuzzCase(index, "empty signed", [], "application/json", [Header(route.Sign([]))]),
        _ => new FuzzCase(index, "empty wrongly signed", [], "application/json", [Header(route.SignWithWrongSecret([]))]),
    };

    private FuzzCase RandomBytes(int index)
    {
        var body = new byte[random.Next(1, 4096)];
        random.NextBytes(body);

        return random.Next(2) == 0
            ? new FuzzCase(index, "random bytes signed", body, "application/json", [Header(route.Sign(body))])
            : new FuzzCase(index, "random bytes unsigned", body, "application/json", []);
    }

    private FuzzCase UnsignedSentinel(int index, string kind, byte[] body) =>
        new(index, $"{kind} sentinel unsigned", body, "application/json", []);

    /// <summary>The sentinel body signed, then damaged after signing, as a proxy or attacker would.</summary>
    private FuzzCase BitFlippedSentinelWithItsSignature(int index)
    {
        var body = route.SentinelBody(sentinels, random);
        var signature = route.Sign(body);

        return new FuzzCase(index, "bit-flipped sentinel with original signature", FlipBits(body), "application/json", [Header(signature)]);
    }

    private FuzzCase WronglySignedSentinel(int index)
    {
        var body = route.SentinelBody(sentinels, random);
        var (kind, signature) = random.Next(8) switch
        {
            0 => ("wrong secret", route.SignWithWrongSecret(body)),
            1 => ("signature of another body", route.Sign(route.SentinelBody(sentinels, random))),
            2 => ("random header", RandomAscii(random.Next(0, 200))),
            3 => ("truncated signature", Cut(route.Sign(body))),
            4 => ("signature with a flipped character", FlipCharacter(route.Sign(body))),
            5 => ("signature of the body with a trailing newline", route.Sign([.. body, (byte)'\n'])),
            6 => ("stale or malformed timestamp", StaleOrMalformedStripeHeader(body)),
            _ => ("header without its scheme prefix", StripScheme(route.Sign(body))),
        };

        return new FuzzCase(index, $"sentinel, {kind}", body, "application/json", [Header(signature)]);
    }

    private FuzzCase SignedDecoy(int index, string kind, byte[] body) =>
        new(index, kind, body, "application/json", [Header(route.Sign(body))]);

    private FuzzCase WrongContentType(int index)
    {
        var contentType = WrongContentTypes[random.Next(WrongContentTypes.Length)];

        if (random.Next(2) == 0)
        {
            var body = route.SentinelBody(sentinels, random);
            return new FuzzCase(index, "wrong content type, sentinel unsigned", body, contentType, []);
        }

        var decoy = route.DecoyBody(sentinels, random);
        return new FuzzCase(index, "wrong content type, decoy signed", decoy, contentType, [Header(route.Sign(decoy))]);
    }

    /// <summary>
    /// A body just over 1 MiB (inside every route's limit) or just over the route's own limit, sent with a
    /// Content-Length or chunked, so both of the product's size checks run.
    /// </summary>
    private FuzzCase Oversized(int index)
    {
        var chunked = random.Next(2) == 0;

        if (random.Next(2) == 0)
        {
            var padded = Pad(route.DecoyBody(sentinels, random), 1024 * 1024 + 1);
            return new FuzzCase(index, "over 1 MiB, signed", padded, "application/json", [Header(route.Sign(padded))], chunked);
        }

        var tooLarge = Pad(route.SentinelBody(sentinels, random), route.MaxBodyBytes + 1);
        return new FuzzCase(index, "over the route's limit", tooLarge, "application/json", [Header(route.Sign(tooLarge))], chunked, ExpectedStatus: 413);
    }

    private KeyValuePair<string, string> Header(string value) => new(route.SignatureHeader, value);

    /// <summary>A Stripe header that is stale, from the future, or has a timestamp Stripe.net cannot read.</summary>
    private string StaleOrMalformedStripeHeader(byte[] body)
    {
        if (route.Name != "stripe")
        {
            return route.SignWithWrongSecret(body);
        }

        var secret = Infrastructure.ProductHost.StripeWebhookSecret;

        return random.Next(5) switch
        {
            0 => WebhookRoute.StripeSignature(body, secret, DateTimeOffset.UtcNow.AddSeconds(-301 - random.Next(100_000))),
            1 => WebhookRoute.StripeSignature(body, secret, DateTimeOffset.UtcNow.AddSeconds(301 + random.Next(100_000))),
            2 => "t=99999999999999999999," + route.Sign(body).Split(',')[1],
            3 => "t=abc," + route.Sign(body).Split(',')[1],
            _ => route.Sign(body).Replace("v1=", "v0=", StringComparison.Ordinal),
        };
    }

    private static string StripScheme(string signature)
    {
        var equals = signature.IndexOf('=', StringComparison.Ordinal);

        return signature.StartsWith("t=", StringComparison.Ordinal)
            ? signature[(signature.IndexOf(',', StringComparison.Ordinal) + 1)..]
            : signature[(equals + 1)..];
    }

    private string Cut(string value) => value[..random.Next(value.Length)];

    /// <summary>Changes one character of the digest to another of the same alphabet, so only the value is wrong.</summary>
    private string FlipCharacter(string signature)
    {
        var position = signature.Length - 1 - random.Next(Math.Min(40, signature.Length - 8));
        var characters = signature.ToCharArray();
        characters[position] = characters[position] == 'a' ? 'b' : 'a';

        return new string(characters);
    }

    private string RandomAscii(int length) =>
        new(Enumerable.Range(0, length).Select(_ => (char)random.Next(0x20, 0x7f)).ToArray());

    private byte[] Truncate(byte[] body) => body[..random.Next(0, body.Length)];

    /// <summary>Flips 1 to 8 distinct bits, so the result always differs from the body (two flips of one bit would cancel out).</summary>
    private byte[] FlipBits(byte[] body)
    {
        var copy = (byte[])body.Clone();
        var flipped = new HashSet<long>();

        for (var flips = random.Next(1, 9); flips > 0; flips--)
        {
            var position = random.Next(copy.Length);
            var bit = random.Next(8);
            if (flipped.Add(((long)position << 3) | (uint)bit))
            {
                copy[position] ^= (byte)(1 << bit);
            }
        }

        return copy;
    }

    /// <summary>Byte-level damage: inserted, deleted or repeated spans, invalid UTF-8, a BOM, a NUL.</summary>
    private byte[] MutateRaw(byte[] body)
    {
        var position = random.Next(body.Length);
        byte[][] invalidUtf8 = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF]];

        return random.Next(6) switch
        {
            0 => [.. body[..position], .. RandomBlock(), .. body[position..]],
            1 => [.. body[..position], .. body[Math.Min(body.Length, position + random.Next(1, 64))..]],
            2 => [.. body[..position], .. body[position..Math.Min(body.Length, position + 32)], .. body[position..]],
            3 => [.. body[..position], .. invalidUtf8[random.Next(invalidUtf8.Length)], .. body[position..]],
            4 => [0xEF, 0xBB, 0xBF, .. body],
            _ => [.. body[..position], 0x00, .. body[position..]],
        };
    }

    /// <summary>
    /// JSON-level damage: a value replaced with one of another type or an extreme, a property removed, or the
    /// root replaced. Text replacements (deep nesting, duplicate keys, escapes) are spliced in as raw JSON.
    /// </summary>
    private byte[] MutateStructure(byte[] body)
    {
        var root = JsonNode.Parse(body)!;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);

        // Leaves are where parsers meet numbers, dates and ids, so most mutations target one.
        var leaves = nodes.Where(node => node is JsonValue).ToList();
        var target = leaves.Count > 0 && random.Next(4) > 0 ? leaves[random.Next(leaves.Count)] : nodes[random.Next(nodes.Count)];
        const string Marker = "\"__klm_fuzz_marker__\"";

        switch (random.Next(4))
        {
            case 0 when target.Parent is JsonObject parent:
                parent.Remove(target.GetPropertyName());
                return Encoding.UTF8.GetBytes(root.ToJsonString());

            case 1 or 2 when target.Parent is not null:
                var replacement = IsNumber(target) && random.Next(10) < 7 ? ExtremeNumber() : ExtremeJson();
                Replace(target, JsonValue.Create("__klm_fuzz_marker__"));
                return Encoding.UTF8.GetBytes(root.ToJsonString().Replace(Marker, replacement, StringComparison.Ordinal));

            default:
                return random.Next(4) switch
                {
                    0 => Encoding.UTF8.GetBytes(ExtremeJson()),
                    1 => Encoding.UTF8.GetBytes("[" + root.ToJsonString() + "]"),
                    2 => Encoding.UTF8.GetBytes(root.ToJsonString() + root.ToJsonString()),
                    _ => Encoding.UTF8.GetBytes(DuplicateFirstKey(root.ToJsonString())),
                };
        }
    }

    /// <summary>A JSON value of an unexpected type or an extreme value.</summary>
    private string ExtremeJson() => random.Next(20) switch
    {
        0 => "null",
        1 => "true",
        2 => "-1",
        3 => "0",
        4 => "9223372036854775807",
        5 => "-9223372036854775808",
        6 => "18446744073709551616",
        7 => "1e308",
        8 => "1.5",
        9 => "\"\"",
        10 => "{}",
        11 => "[]",
        12 => "\"" + new string('x', random.Next(10_000, 200_000)) + "\"",
        13 => new string('[', 5000) + new string(']', 5000),
        14 => "\"\\ud800\\u0000\\u202e\"",

        // One past the largest Unix time DateTimeOffset holds, in milliseconds and in seconds, and one before year 1.
        15 => "253402300800000",
        16 => "253402300800",
        17 => "-62135596801",
        18 => "\"9223372036854775807\"",
        _ => "\"" + RandomAscii(random.Next(1, 64)).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
    };

    /// <summary>A number at or past the limits of long, double and <see cref="DateTimeOffset"/>, where numbers become amounts and dates.</summary>
    private string ExtremeNumber()
    {
        string[] numbers =
        [
            "9223372036854775807", "-9223372036854775808", "18446744073709551616", "253402300800000", "253402300800",
            "-62135596801", "0", "-1", "1e308", "1.5", "4.9e-324",
        ];

        return numbers[random.Next(numbers.Length)];
    }

    private static bool IsNumber(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number;

    private static string DuplicateFirstKey(string json)
    {
        var colon = json.IndexOf(':', StringComparison.Ordinal);
        var comma = json.IndexOf(',', StringComparison.Ordinal);

        return colon > 1 && comma > colon ? "{" + json[1..comma] + "," + json[1..] : json;
    }

    private static void Replace(JsonNode target, JsonNode replacement)
    {
        switch (target.Parent)
        {
            case JsonObject parent:
                parent[target.GetPropertyName()] = replacement;
                break;

            case JsonArray array:
                array[target.GetElementIndex()] = replacement;
                break;
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null)
        {
            return;
        }

        nodes.Add(node);

        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Collect(child, nodes);
                }

                break;

            case JsonArray array:
                foreach (var child in array)
                {
                    Collect(child, nodes);
                }

                break;
        }
    }

    private byte[] RandomBlock()
    {
        var block = new byte[random.Next(1, 64)];
        random.NextBytes(block);
        return block;
    }

    /// <summary>Grows a JSON object body to <paramref name="size"/> bytes with a padding property, keeping it valid JSON.</summary>
    private static byte[] Pad(byte[] body, int size)
    {
        const string Prefix = "{\"padding\":\"";
        const string Suffix = "\",";
        var fill = size - body.Length - Prefix.Length - Suffix.Length + 1;
        var padded = new byte[size];
        var position = 0;

        Encoding.ASCII.GetBytes(Prefix).CopyTo(padded, position);
        position += Prefix.Length;
        Array.Fill(padded, (byte)'a', position, fill);
        position += fill;
        Encoding.ASCII.GetBytes(Suffix).CopyTo(padded, position);
        position += Suffix.Length;
        body.AsSpan(1).CopyTo(padded.AsSpan(position));

        return padded;
    }
}
