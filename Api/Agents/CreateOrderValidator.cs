using System.Text.RegularExpressions;
using KlmSocialPay.Grains.Messages;
using KlmSocialPay.Api.Payments;
using KlmSocialPay.Grains.Money;

namespace KlmSocialPay.Api.Agents;

/// <summary>
/// Checks an order request field by field. Errors are keyed by the JSON path of the field
/// (<c>items[0].amount</c>) so the agent app can point at it.
/// </summary>
public static partial class CreateOrderValidator
{
    public const int MaxItems = 50;
    public const int MaxDescriptionLength = 200;

    /// <summary>Stripe accepts amounts of at most eight digits in minor units.</summary>
    public const long MaxAmount = 99_999_999;

    private static readonly Dictionary<string, LineItemKind> Kinds = new(StringComparer.Ordinal)
    {
        ["rebooking"] = LineItemKind.Rebooking,
        ["seat"] = LineItemKind.Seat,
        ["baggage"] = LineItemKind.Baggage,
    };

    /// <summary>An airline booking reference (PNR): six letters or digits.</summary>
    [GeneratedRegex("^[A-Z0-9]{6}$")]
    private static partial Regex BookingReferencePattern();

    public static NewOrder? Validate(CreateOrderRequest request, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var bookingReference = request.BookingReference?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(bookingReference))
        {
            errors["bookingReference"] = ["The booking reference is required."];
        }
        else if (!BookingReferencePattern().IsMatch(bookingReference))
        {
            errors["bookingReference"] = ["The booking reference must be six letters or digits, e.g. 'X7K2QP'."];
        }

        var currency = request.Currency?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(currency))
        {
            errors["currency"] = ["The currency is required, as an ISO 4217 code such as 'EUR'."];
        }
        else if (!CurrencyCatalog.IsKnown(currency))
        {
            errors["currency"] = [$"'{request.Currency}' is not an ISO 4217 code of a currency that can be charged, such as 'EUR'."];
            currency = null;
        }

        var language = request.Language?.Trim().ToLowerInvariant();
        if (language is not null && !Languages.IsSupported(language))
        {
            errors["language"] = [$"'{request.Language}' is not supported; use one of {string.Join(", ", Languages.Supported)}."];
        }

        var items = ValidateItems(request.Items, currency, errors);

        return errors.Count == 0
            ? new NewOrder(bookingReference!, currency!, language, items)
            : null;
    }

    private static List<LineItem> ValidateItems(
        IReadOnlyList<CreateOrderItemRequest?>? requested, string? currency, Dictionary<string, string[]> errors)
    {
        var items = new List<LineItem>();
        if (requested is null || requested.Count == 0)
        {
            errors["items"] = ["At least one item is required."];
            return items;
        }

        if (requested.Count > MaxItems)
        {
            errors["items"] = [$"At most {MaxItems} items are allowed; got {requested.Count}."];
            return items;
        }

        long total = 0;
        for (var i = 0; i < requested.Count; i++)
        {
            var item = requested[i];
            var path = $"items[{i}]";
            if (item is null)
            {
                errors[path] = ["The item is required."];
                continue;
            }

            var kind = default(LineItemKind);
            if (item.Kind is null || !Kinds.TryGetValue(item.Kind, out kind))
            {
                errors[$"{path}.kind"] = ["The kind must be one of rebooking, seat, baggage."];
            }

            var description = item.Description?.Trim();
            if (string.IsNullOrEmpty(description))
            {
                errors[$"{path}.description"] = ["The description is required."];
            }
            else if (description.Length > MaxDescriptionLength)
            {
                errors[$"{path}.description"] = [$"The description is at most {MaxDescriptionLength} characters."];
            }

            if (ValidateAmount(item.Amount, currency) is { } amountError)
            {
                errors[$"{path}.amount"] = [amountError];
            }
            else
            {
                total += item.Amount!.Value;
            }

            if (!errors.Keys.Any(key => key.StartsWith(path, StringComparison.Ordinal)))
            {
                items.Add(new LineItem(kind, description!, item.Amount!.Value));
            }
        }

        if (total > MaxAmount)
        {
            errors["items"] = [$"The order total is at most {MaxAmount} minor units; got {total}."];
        }

        return items;
    }

    private static string? ValidateAmount(long? amount, string? currency)
    {
        if (amount is null)
        {
            return "The amount is required, in minor units of the currency (4500 for EUR 45.00).";
        }

        if (amount <= 0 || amount > MaxAmount)
        {
            return $"The amount must be from 1 to {MaxAmount} minor units; got {amount}.";
        }

        return currency is null ? null : StripeAmounts.Validate(currency, amount.Value);
    }
}
