using System.Globalization;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>Typed reads of bracket-notation parameters. Each failure raises the Stripe error for that parameter.</summary>
internal static class StripeParameterReader
{
    public static string? ReadString(StripeParameter? parameter)
    {
        if (parameter is null)
        {
            return null;
        }

        if (parameter.HasChildren)
        {
            throw Fail(StripeApiError.InvalidValue(parameter.Path, $"Invalid string: {parameter.Path} must be a string, not a hash or an array."));
        }

        return parameter.Value;
    }

    /// <summary>Reads a string that must not be empty when present.</summary>
    public static string? ReadNonEmptyString(StripeParameter? parameter)
    {
        var value = ReadString(parameter);

        if (value is not null && value.Length == 0)
        {
            throw Fail(StripeApiError.EmptyString(parameter!.Path));
        }

        return value;
    }

    public static string ReadRequiredString(StripeParameter? parameter, string path) =>
        ReadNonEmptyString(parameter) ?? throw Fail(StripeApiError.MissingParameter(path));

    public static long? ReadInteger(StripeParameter? parameter)
    {
        var text = ReadNonEmptyString(parameter);

        if (text is null)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Fail(StripeApiError.InvalidInteger(parameter!.Path, text));
        }

        return value;
    }

    public static long ReadRequiredInteger(StripeParameter? parameter, string path) =>
        ReadInteger(parameter) ?? throw Fail(StripeApiError.MissingParameter(path));

    public static long ReadIntegerAtLeast(StripeParameter parameter, long value, long minimum)
    {
        if (value < minimum)
        {
            throw Fail(StripeApiError.InvalidValue(parameter.Path, $"This value must be greater than or equal to {minimum.ToString(CultureInfo.InvariantCulture)}."));
        }

        return value;
    }

    /// <summary>Reads an indexed array (<c>a[0]</c>, <c>a[1]</c>), where <c>a=</c> is an empty array.</summary>
    public static IReadOnlyList<StripeParameter> ReadArray(StripeParameter? parameter)
    {
        if (parameter is null || parameter.IsEmpty)
        {
            return [];
        }

        if (!parameter.HasChildren)
        {
            throw Fail(StripeApiError.InvalidValue(parameter.Path, $"Invalid array: {parameter.Path} must be sent as {parameter.Path}[0], {parameter.Path}[1], ..."));
        }

        var items = new List<(int Index, StripeParameter Item)>();

        foreach (var name in parameter.ChildNames)
        {
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                throw Fail(StripeApiError.InvalidValue(parameter.Path, $"Invalid array: {parameter.Path} has the non-numeric index '{name}'."));
            }

            items.Add((index, parameter[name]!));
        }

        return items.OrderBy(item => item.Index).Select(item => item.Item).ToList();
    }

    public static IReadOnlyList<string> ReadStringArray(StripeParameter? parameter) =>
        ReadArray(parameter).Select(item => ReadRequiredString(item, item.Path)).ToList();

    /// <summary>
    /// Reads a string-to-string hash such as <c>metadata</c>. An empty value unsets a key, so it is left out.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadStringHash(StripeParameter? parameter)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);

        if (parameter is null || parameter.IsEmpty)
        {
            return result;
        }

        if (!parameter.HasChildren)
        {
            throw Fail(StripeApiError.InvalidValue(parameter.Path, $"Invalid hash: {parameter.Path} must be sent as {parameter.Path}[key]=value."));
        }

        foreach (var name in parameter.ChildNames)
        {
            var value = ReadString(parameter[name]);

            if (!string.IsNullOrEmpty(value))
            {
                result[name] = value;
            }
        }

        return result;
    }

    /// <summary>Rejects names outside <paramref name="allowed"/> as unknown and names in <paramref name="notSimulated"/> as not simulated.</summary>
    public static void RejectUnexpectedNames(
        IEnumerable<string> names,
        Func<string, string> pathOf,
        IReadOnlySet<string> allowed,
        IReadOnlySet<string> notSimulated)
    {
        foreach (var name in names)
        {
            if (notSimulated.Contains(name))
            {
                throw Fail(StripeApiError.NotSimulated(pathOf(name)));
            }

            if (!allowed.Contains(name))
            {
                throw Fail(StripeApiError.UnknownParameter(pathOf(name)));
            }
        }
    }

    public static StripeRequestException Fail(StripeApiError error) => new(error);
}
