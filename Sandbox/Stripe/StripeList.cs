using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using static KlmSocialPay.Sandbox.Stripe.StripeParameterReader;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// Stripe's list endpoints: <c>limit</c>, cursor pagination with <c>starting_after</c> or <c>ending_before</c>,
/// the <c>created</c> filter, and the <c>{"object":"list","data":[…],"has_more":…,"url":…}</c> envelope.
/// </summary>
internal static class StripeList
{
    public const int DefaultLimit = 10;
    public const int MaximumLimit = 100;

    /// <summary>The parameters every list endpoint of the sandbox accepts.</summary>
    public static readonly FrozenSet<string> PagingParameters = FrozenSet.ToFrozenSet(["ending_before", "limit", "starting_after"]);

    private static readonly FrozenSet<string> CreatedOperators = FrozenSet.ToFrozenSet(["gt", "gte", "lt", "lte"]);

    public static int ReadLimit(StripeParameters parameters)
    {
        var limit = ReadInteger(parameters["limit"]) ?? DefaultLimit;

        if (limit is < 1 or > MaximumLimit)
        {
            throw Fail(StripeApiError.InvalidValue("limit", $"This value must be between 1 and {MaximumLimit}, inclusive."));
        }

        return (int)limit;
    }

    /// <summary>
    /// Reads <c>created</c>: an exact Unix time (<c>created=…</c>) or a range (<c>created[gte]=…</c> with
    /// <c>gt</c>, <c>gte</c>, <c>lt</c>, <c>lte</c>), and returns a test on an object's creation time.
    /// </summary>
    public static Func<DateTimeOffset, bool> ReadCreatedFilter(StripeParameter? created)
    {
        if (created is null)
        {
            return _ => true;
        }

        if (!created.HasChildren)
        {
            var exact = ReadRequiredInteger(created, created.Path);
            return at => at.ToUnixTimeSeconds() == exact;
        }

        var bounds = new List<Func<long, bool>>();

        foreach (var name in created.ChildNames)
        {
            if (!CreatedOperators.Contains(name))
            {
                throw Fail(StripeApiError.UnknownParameter($"{created.Path}[{name}]"));
            }

            var value = ReadRequiredInteger(created[name], $"{created.Path}[{name}]");
            bounds.Add(name switch
            {
                "gt" => seconds => seconds > value,
                "gte" => seconds => seconds >= value,
                "lt" => seconds => seconds < value,
                _ => seconds => seconds <= value,
            });
        }

        return at => bounds.All(bound => bound(at.ToUnixTimeSeconds()));
    }

    /// <summary>
    /// Selects one page of <paramref name="newestFirst"/>, the whole collection in list order. The cursor is
    /// looked up in the whole collection, so it stays valid when the object no longer matches the filter.
    /// </summary>
    public static List<T> SelectPage<T>(
        IReadOnlyList<T> newestFirst,
        Func<T, string> idOf,
        Func<T, bool> match,
        StripeParameters parameters,
        string objectName,
        out bool hasMore)
    {
        var limit = ReadLimit(parameters);
        var startingAfter = ReadNonEmptyString(parameters["starting_after"]);
        var endingBefore = ReadNonEmptyString(parameters["ending_before"]);

        if (startingAfter is not null && endingBefore is not null)
        {
            throw Fail(StripeApiError.InvalidValue("starting_after", "You may only specify one of these parameters: ending_before, starting_after.", "parameters_exclusive"));
        }

        if (endingBefore is not null)
        {
            var before = IndexOfCursor(newestFirst, idOf, endingBefore, objectName, "ending_before");
            var earlier = newestFirst.Take(before).Where(match).ToList();
            var start = Math.Max(0, earlier.Count - limit);
            hasMore = start > 0;
            return earlier.GetRange(start, earlier.Count - start);
        }

        var first = startingAfter is null ? 0 : IndexOfCursor(newestFirst, idOf, startingAfter, objectName, "starting_after") + 1;
        var later = newestFirst.Skip(first).Where(match).Take(limit + 1).ToList();
        hasMore = later.Count > limit;
        return later.Take(limit).ToList();
    }

    /// <summary>Writes the list envelope around <paramref name="page"/>.</summary>
    public static StripeApiResponse Respond<T>(IReadOnlyList<T> page, bool hasMore, string url, Action<Utf8JsonWriter, T> writeItem) =>
        StripeApiResponse.Ok(StripeJson.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");

            foreach (var item in page)
            {
                writeItem(writer, item);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("has_more", hasMore);
            writer.WriteString("url", url);
            writer.WriteEndObject();
        }));

    private static int IndexOfCursor<T>(IReadOnlyList<T> items, Func<T, string> idOf, string id, string objectName, string param)
    {
        for (var index = 0; index < items.Count; index++)
        {
            if (idOf(items[index]) == id)
            {
                return index;
            }
        }

        throw Fail(new StripeApiError(
            StatusCodes.Status404NotFound,
            "invalid_request_error",
            string.Create(CultureInfo.InvariantCulture, $"No such {objectName}: '{id}'"),
            "resource_missing",
            param));
    }
}
