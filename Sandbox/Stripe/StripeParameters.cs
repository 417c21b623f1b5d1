using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// One node of Stripe's bracket notation (<c>line_items[0][price_data][currency]=eur</c>): a value, or named
/// children. Arrays are children named by index, and <c>key[]</c> appends. An empty value with no children is
/// how Stripe.net sends an empty list or unsets a hash.
/// </summary>
internal sealed class StripeParameter
{
    private readonly Dictionary<string, StripeParameter> children = new(StringComparer.Ordinal);
    private readonly List<string> childOrder = [];

    public StripeParameter(string path) => Path = path;

    /// <summary>The parameter name as Stripe reports it in <c>error.param</c>, e.g. <c>line_items[0][quantity]</c>.</summary>
    public string Path { get; }

    public string? Value { get; private set; }

    public bool HasChildren => childOrder.Count > 0;

    public IEnumerable<string> ChildNames => childOrder;

    /// <summary>True for <c>key=</c>, the wire form of an empty list or an unset hash.</summary>
    public bool IsEmpty => !HasChildren && string.IsNullOrEmpty(Value);

    public StripeParameter? this[string name] => children.GetValueOrDefault(name);

    internal void SetValue(string value) => Value = value;

    internal StripeParameter GetOrAddChild(string name)
    {
        if (!children.TryGetValue(name, out var child))
        {
            child = new StripeParameter($"{Path}[{name}]");
            children.Add(name, child);
            childOrder.Add(name);
        }

        return child;
    }

    internal string NextAppendIndex() => childOrder.Count.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The top-level parameters of one request, parsed from a form body or a query string.</summary>
internal sealed class StripeParameters
{
    private readonly Dictionary<string, StripeParameter> roots = new(StringComparer.Ordinal);
    private readonly List<string> rootOrder = [];

    private StripeParameters()
    {
    }

    public IEnumerable<string> Names => rootOrder;

    public StripeParameter? this[string name] => roots.GetValueOrDefault(name);

    /// <summary>
    /// Sorted <c>name=value</c> pairs of the whole request, used to decide whether a request reusing an
    /// idempotency key carries the same parameters.
    /// </summary>
    public string Fingerprint { get; private init; } = "";

    /// <summary>Parses pairs such as an <see cref="Microsoft.AspNetCore.Http.IFormCollection"/>, or returns the error for a malformed name.</summary>
    public static StripeParameters Parse(IEnumerable<KeyValuePair<string, StringValues>> pairs, out StripeApiError? error)
    {
        var flattened = new List<KeyValuePair<string, string>>();

        foreach (var (key, values) in pairs)
        {
            foreach (var value in values)
            {
                flattened.Add(new KeyValuePair<string, string>(key, value ?? ""));
            }
        }

        var parameters = new StripeParameters
        {
            Fingerprint = string.Join("&", flattened
                .Select(pair => pair.Key + "=" + pair.Value)
                .Order(StringComparer.Ordinal)),
        };

        error = null;

        foreach (var (key, value) in flattened)
        {
            if (!TrySplitName(key, out var segments))
            {
                error = StripeApiError.InvalidValue(key, $"Invalid parameter name: {key}");
                return parameters;
            }

            var node = parameters.GetOrAddRoot(segments[0]);

            for (var index = 1; index < segments.Count; index++)
            {
                var segment = segments[index].Length == 0 ? node.NextAppendIndex() : segments[index];
                node = node.GetOrAddChild(segment);
            }

            if (node.HasChildren && value.Length > 0)
            {
                error = StripeApiError.InvalidValue(node.Path, $"Invalid hash: {node.Path} has both a value and nested keys.");
                return parameters;
            }

            node.SetValue(value);
        }

        return parameters;
    }

    private StripeParameter GetOrAddRoot(string name)
    {
        if (!roots.TryGetValue(name, out var root))
        {
            root = new StripeParameter(name);
            roots.Add(name, root);
            rootOrder.Add(name);
        }

        return root;
    }

    /// <summary>Splits <c>a[b][0][]</c> into <c>a</c>, <c>b</c>, <c>0</c> and an empty segment (append).</summary>
    private static bool TrySplitName(string key, out List<string> segments)
    {
        segments = [];
        var open = key.IndexOf('[', StringComparison.Ordinal);

        if (open == 0 || key.Length == 0)
        {
            return false;
        }

        if (open < 0)
        {
            segments.Add(key);
            return !key.Contains(']', StringComparison.Ordinal);
        }

        segments.Add(key[..open]);
        var position = open;

        while (position < key.Length)
        {
            if (key[position] != '[')
            {
                return false;
            }

            var close = key.IndexOf(']', position);

            if (close < 0)
            {
                return false;
            }

            var segment = key[(position + 1)..close];

            if (segment.Contains('[', StringComparison.Ordinal))
            {
                return false;
            }

            segments.Add(segment);
            position = close + 1;
        }

        return true;
    }
}
