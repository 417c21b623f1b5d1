using System.Collections.Frozen;
using System.Globalization;
using static KlmSocialPay.Sandbox.Stripe.StripeParameterReader;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// Validates the form of <c>POST /v1/checkout/sessions</c> the way Stripe does for the parameters that matter
/// to a payment flow, and raises <see cref="StripeRequestException"/> with Stripe's error for the first problem.
/// </summary>
internal static class CheckoutSessionCreateParser
{
    public const int MaximumLineItems = 100;
    public const int MaximumClientReferenceIdLength = 200;
    public const int MaximumMetadataKeys = 50;
    public const int MaximumMetadataKeyLength = 40;
    public const int MaximumMetadataValueLength = 500;
    public static readonly TimeSpan MinimumLifetime = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan MaximumLifetime = TimeSpan.FromHours(24);

    private static readonly FrozenSet<string> SimulatedParameters = FrozenSet.ToFrozenSet(
    [
        "allowed_payment_method_types", "billing_address_collection", "cancel_url", "client_reference_id", "currency",
        "customer_email", "excluded_payment_method_types", "expires_at", "line_items", "locale", "metadata", "mode",
        "payment_intent_data", "submit_type", "success_url", "ui_mode",
    ]);

    /// <summary>The other parameters of <c>SessionCreateOptions</c> in Stripe.net 53.1.0, plus <c>expand</c>.</summary>
    private static readonly FrozenSet<string> NotSimulatedParameters = FrozenSet.ToFrozenSet(
    [
        "adaptive_pricing", "after_expiration", "allow_promotion_codes", "automatic_tax", "branding_settings",
        "consent_collection", "custom_fields", "custom_text", "customer", "customer_account", "customer_creation",
        "customer_update", "discounts", "expand", "integration_identifier", "invoice_creation", "managed_payments",
        "name_collection", "optional_items", "origin_context", "payment_method_collection",
        "payment_method_configuration", "payment_method_data", "payment_method_options", "permissions",
        "phone_number_collection", "redirect_on_completion", "return_url", "saved_payment_method_options",
        "setup_intent_data", "shipping_address_collection", "shipping_options", "subscription_data",
        "tax_id_collection", "wallet_options",
    ]);

    private static readonly FrozenSet<string> LineItemParameters = FrozenSet.ToFrozenSet(["price", "price_data", "quantity"]);

    private static readonly FrozenSet<string> NotSimulatedLineItemParameters =
        FrozenSet.ToFrozenSet(["adjustable_quantity", "dynamic_tax_rates", "metadata", "tax_rates"]);

    private static readonly FrozenSet<string> PriceDataParameters =
        FrozenSet.ToFrozenSet(["currency", "product", "product_data", "unit_amount"]);

    private static readonly FrozenSet<string> NotSimulatedPriceDataParameters =
        FrozenSet.ToFrozenSet(["recurring", "tax_behavior", "unit_amount_decimal"]);

    private static readonly FrozenSet<string> ProductDataParameters = FrozenSet.ToFrozenSet(["description", "name"]);

    private static readonly FrozenSet<string> NotSimulatedProductDataParameters =
        FrozenSet.ToFrozenSet(["images", "metadata", "tax_code", "unit_label"]);

    private static readonly FrozenSet<string> PaymentIntentDataParameters = FrozenSet.ToFrozenSet(["description", "metadata"]);

    private static readonly FrozenSet<string> NotSimulatedPaymentIntentDataParameters = FrozenSet.ToFrozenSet(
    [
        "application_fee_amount", "capture_method", "on_behalf_of", "receipt_email", "setup_future_usage", "shipping",
        "statement_descriptor", "statement_descriptor_suffix", "transfer_data", "transfer_group",
    ]);

    /// <summary>Locales of <c>SessionCreateOptions.Locale</c> in the Stripe.net 53.1.0 documentation.</summary>
    private static readonly FrozenSet<string> Locales = FrozenSet.ToFrozenSet(
    [
        "auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA", "hi-IN",
        "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk",
        "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW",
    ]);

    private static readonly FrozenSet<string> SubmitTypes = FrozenSet.ToFrozenSet(["auto", "book", "donate", "pay", "subscribe"]);

    private static readonly FrozenSet<string> BillingAddressCollections = FrozenSet.ToFrozenSet(["auto", "required"]);

    public static CheckoutSessionDraft Parse(StripeParameters parameters, DateTimeOffset now)
    {
        // Checked first: Stripe.net 53 has no such property, so its presence means a raw or outdated client.
        if (parameters["payment_method_types"] is not null)
        {
            throw Fail(StripeApiError.InvalidValue(
                "payment_method_types",
                "The payment_method_types parameter is no longer supported on Checkout Sessions as of API version 2026-09-30.endive. Use allowed_payment_method_types or excluded_payment_method_types instead.",
                "payment_method_types_no_longer_supported"));
        }

        RejectUnexpectedNames(parameters.Names, name => name, SimulatedParameters, NotSimulatedParameters);

        ParseMode(parameters["mode"]);
        ParseUiMode(parameters["ui_mode"]);

        var lineItems = ParseLineItems(parameters["line_items"]);
        var currency = ParseSessionCurrency(parameters["currency"], lineItems);
        var amountTotal = SumAmounts(lineItems);
        var expiresAt = ParseExpiresAt(parameters["expires_at"], now);

        var allowed = ParsePaymentMethodTypes(parameters["allowed_payment_method_types"]);
        var excluded = ParsePaymentMethodTypes(parameters["excluded_payment_method_types"]);
        var paymentMethodTypes = StripePaymentMethods.Compute(currency, allowed, excluded);

        if (paymentMethodTypes.Count == 0)
        {
            throw Fail(StripeApiError.InvalidValue(
                "allowed_payment_method_types",
                $"No payment method type in allowed_payment_method_types can be used for this Checkout Session in {currency}. The sandbox account offers card for every currency, and ideal and sepa_debit for eur."));
        }

        var (paymentIntentMetadata, paymentIntentDescription) = ParsePaymentIntentData(parameters["payment_intent_data"]);

        return new CheckoutSessionDraft(
            currency,
            lineItems,
            amountTotal,
            expiresAt,
            allowed,
            excluded,
            paymentMethodTypes,
            ParseClientReferenceId(parameters["client_reference_id"]),
            ParseCustomerEmail(parameters["customer_email"]),
            ParseEnumeration(parameters["locale"], Locales),
            ParseMetadata(parameters["metadata"]),
            paymentIntentMetadata,
            paymentIntentDescription,
            ParseUrl(parameters["success_url"]),
            ParseUrl(parameters["cancel_url"]),
            ParseEnumeration(parameters["submit_type"], SubmitTypes),
            ParseEnumeration(parameters["billing_address_collection"], BillingAddressCollections));
    }

    private static void ParseMode(StripeParameter? parameter)
    {
        var mode = ReadRequiredString(parameter, "mode");

        switch (mode)
        {
            case "payment":
                return;
            case "setup" or "subscription":
                throw Fail(StripeApiError.InvalidValue("mode", $"The KlmSocialPay sandbox simulates only mode=payment, not mode={mode}."));
            default:
                throw Fail(StripeApiError.InvalidValue("mode", "Invalid mode: must be one of payment, setup, or subscription"));
        }
    }

    /// <summary>Accepts only the hosted page, the one UI the sandbox has. The values from before 2026-03-25 are invalid on Stripe as well.</summary>
    private static void ParseUiMode(StripeParameter? parameter)
    {
        var uiMode = ReadNonEmptyString(parameter);

        switch (uiMode)
        {
            case null or "hosted_page":
                return;
            case "embedded_page" or "elements" or "form":
                throw Fail(StripeApiError.InvalidValue("ui_mode", $"The KlmSocialPay sandbox simulates only ui_mode=hosted_page, not ui_mode={uiMode}."));
            default:
                throw Fail(StripeApiError.InvalidValue("ui_mode", "Invalid ui_mode: must be one of hosted_page, embedded_page, elements, or form"));
        }
    }

    private static List<CheckoutLineItem> ParseLineItems(StripeParameter? parameter)
    {
        var items = ReadArray(parameter);

        if (items.Count == 0)
        {
            throw Fail(StripeApiError.MissingParameter("line_items"));
        }

        if (items.Count > MaximumLineItems)
        {
            throw Fail(StripeApiError.InvalidValue("line_items", $"A Checkout Session in payment mode accepts at most {MaximumLineItems} line items; {items.Count} were given."));
        }

        return items.Select(ParseLineItem).ToList();
    }

    private static CheckoutLineItem ParseLineItem(StripeParameter item)
    {
        if (!item.HasChildren)
        {
            throw Fail(StripeApiError.InvalidValue(item.Path, $"Invalid hash: {item.Path} must contain price_data and quantity."));
        }

        RejectUnexpectedNames(item.ChildNames, name => $"{item.Path}[{name}]", LineItemParameters, NotSimulatedLineItemParameters);

        // The sandbox has no Price objects, so every ID is unknown, as an ID from another account is on Stripe.
        if (ReadNonEmptyString(item["price"]) is { } priceId)
        {
            throw Fail(new StripeApiError(400, "invalid_request_error", $"No such price: '{priceId}'", "resource_missing", $"{item.Path}[price]"));
        }

        var priceData = item["price_data"] ?? throw Fail(StripeApiError.MissingParameter($"{item.Path}[price_data]"));
        RejectUnexpectedNames(priceData.ChildNames, name => $"{priceData.Path}[{name}]", PriceDataParameters, NotSimulatedPriceDataParameters);

        if (ReadNonEmptyString(priceData["product"]) is { } productId)
        {
            throw Fail(new StripeApiError(400, "invalid_request_error", $"No such product: '{productId}'", "resource_missing", $"{priceData.Path}[product]"));
        }

        var currency = ParseCurrency(priceData["currency"], $"{priceData.Path}[currency]");

        var productData = priceData["product_data"] ?? throw Fail(StripeApiError.MissingParameter($"{priceData.Path}[product_data]"));
        RejectUnexpectedNames(productData.ChildNames, name => $"{productData.Path}[{name}]", ProductDataParameters, NotSimulatedProductDataParameters);
        var name = ReadRequiredString(productData["name"], $"{productData.Path}[name]");
        var description = ReadNonEmptyString(productData["description"]);

        var unitAmountPath = $"{priceData.Path}[unit_amount]";
        var unitAmount = ReadIntegerAtLeast(priceData["unit_amount"]!, ReadRequiredInteger(priceData["unit_amount"], unitAmountPath), 0);

        if (StripeCurrencies.IsThreeDecimal(currency) && unitAmount % 10 != 0)
        {
            throw Fail(StripeApiError.InvalidValue(unitAmountPath, $"Stripe requires amounts in {currency} to be a multiple of 10 minor units (the last of the three decimals must be 0)."));
        }

        var quantityPath = $"{item.Path}[quantity]";
        var quantity = ReadIntegerAtLeast(item["quantity"]!, ReadRequiredInteger(item["quantity"], quantityPath), 1);

        return new CheckoutLineItem(name, description, currency, unitAmount, quantity);
    }

    private static string ParseCurrency(StripeParameter? parameter, string path)
    {
        var currency = ReadRequiredString(parameter, path).ToLowerInvariant();

        if (!StripeCurrencies.IsSupported(currency))
        {
            throw Fail(StripeApiError.InvalidValue(path, $"Invalid currency: {currency}. Use a three-letter ISO 4217 code in lower case, such as eur."));
        }

        return currency;
    }

    /// <summary>The session currency is optional in payment mode, but every line item and the parameter must agree.</summary>
    private static string ParseSessionCurrency(StripeParameter? parameter, List<CheckoutLineItem> lineItems)
    {
        var first = lineItems[0].Currency;

        for (var index = 1; index < lineItems.Count; index++)
        {
            if (lineItems[index].Currency != first)
            {
                throw Fail(StripeApiError.InvalidValue(
                    $"line_items[{index}][price_data][currency]",
                    $"All line items must have the same currency: line_items[0] is in {first} and line_items[{index}] is in {lineItems[index].Currency}."));
            }
        }

        if (parameter is null)
        {
            return first;
        }

        var currency = ParseCurrency(parameter, "currency");

        if (currency != first)
        {
            throw Fail(StripeApiError.InvalidValue("currency", $"The currency {currency} does not match the currency of the line items ({first})."));
        }

        return currency;
    }

    // TODO: Stripe also enforces a minimum charge per currency (listed on docs.stripe.com/currencies), but
    // the sandbox rejects only a zero total.
    private static long SumAmounts(List<CheckoutLineItem> lineItems)
    {
        long total = 0;

        try
        {
            foreach (var item in lineItems)
            {
                total = checked(total + item.AmountTotal);
            }
        }
        catch (OverflowException)
        {
            total = long.MaxValue;
        }

        if (total > StripeCurrencies.MaximumAmount)
        {
            throw Fail(StripeApiError.InvalidValue("line_items", $"The total amount must be at most {StripeCurrencies.MaximumAmount.ToString(CultureInfo.InvariantCulture)} in the smallest currency unit.", "amount_too_large"));
        }

        if (total == 0)
        {
            throw Fail(StripeApiError.InvalidValue("line_items", "The total amount must be greater than 0.", "amount_too_small"));
        }

        return total;
    }

    private static DateTimeOffset ParseExpiresAt(StripeParameter? parameter, DateTimeOffset now)
    {
        var nowSeconds = now.ToUnixTimeSeconds();
        var expiresAt = ReadInteger(parameter);

        if (expiresAt is null)
        {
            return DateTimeOffset.FromUnixTimeSeconds(nowSeconds + (long)MaximumLifetime.TotalSeconds);
        }

        var lifetime = expiresAt.Value - nowSeconds;

        if (lifetime < (long)MinimumLifetime.TotalSeconds)
        {
            throw Fail(StripeApiError.InvalidValue("expires_at", "The `expires_at` timestamp must be at least 30 minutes after the Checkout Session is created."));
        }

        if (lifetime > (long)MaximumLifetime.TotalSeconds)
        {
            throw Fail(StripeApiError.InvalidValue("expires_at", "The `expires_at` timestamp must be at most 24 hours after the Checkout Session is created."));
        }

        return DateTimeOffset.FromUnixTimeSeconds(expiresAt.Value);
    }

    private static IReadOnlyList<string> ParsePaymentMethodTypes(StripeParameter? parameter)
    {
        var types = ReadArray(parameter);

        foreach (var type in types)
        {
            var value = ReadRequiredString(type, type.Path);

            if (!StripePaymentMethods.IsStripeType(value))
            {
                throw Fail(StripeApiError.InvalidValue(type.Path, $"Invalid {type.Path}: {value} is not a payment method type. Use one of the types listed for allowed_payment_method_types, such as card, ideal or sepa_debit."));
            }
        }

        return types.Select(type => type.Value!).Distinct().ToList();
    }

    private static string? ParseClientReferenceId(StripeParameter? parameter)
    {
        var value = ReadNonEmptyString(parameter);

        if (value is not null && value.Length > MaximumClientReferenceIdLength)
        {
            throw Fail(StripeApiError.InvalidValue("client_reference_id", $"client_reference_id can be at most {MaximumClientReferenceIdLength} characters long; it has {value.Length}."));
        }

        return value;
    }

    private static string? ParseCustomerEmail(StripeParameter? parameter)
    {
        var value = ReadNonEmptyString(parameter);

        if (value is not null && (value.IndexOf('@', StringComparison.Ordinal) is <= 0 || value.EndsWith('@')))
        {
            throw Fail(StripeApiError.InvalidValue("customer_email", $"Invalid email address: {value}", "email_invalid"));
        }

        return value;
    }

    private static string? ParseEnumeration(StripeParameter? parameter, FrozenSet<string> values)
    {
        var value = ReadNonEmptyString(parameter);

        if (value is not null && !values.Contains(value))
        {
            throw Fail(StripeApiError.InvalidValue(parameter!.Path, $"Invalid {parameter.Path}: must be one of {string.Join(", ", values.Order(StringComparer.Ordinal))}"));
        }

        return value;
    }

    private static string? ParseUrl(StripeParameter? parameter)
    {
        var value = ReadNonEmptyString(parameter);

        if (value is not null && !SandboxUrls.IsAbsoluteHttpUrl(value))
        {
            throw Fail(StripeApiError.InvalidValue(parameter!.Path, "Not a valid URL", "url_invalid"));
        }

        return value;
    }

    /// <summary>Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500 characters.</summary>
    internal static IReadOnlyDictionary<string, string> ParseMetadata(StripeParameter? parameter)
    {
        var metadata = ReadStringHash(parameter);

        if (metadata.Count > MaximumMetadataKeys)
        {
            throw Fail(StripeApiError.InvalidValue(parameter!.Path, $"Metadata can have at most {MaximumMetadataKeys} keys; {metadata.Count} were given."));
        }

        foreach (var (key, value) in metadata)
        {
            if (key.Length > MaximumMetadataKeyLength)
            {
                throw Fail(StripeApiError.InvalidValue($"{parameter!.Path}[{key}]", $"Metadata keys can be at most {MaximumMetadataKeyLength} characters long; '{key}' has {key.Length}."));
            }

            if (value.Length > MaximumMetadataValueLength)
            {
                throw Fail(StripeApiError.InvalidValue($"{parameter!.Path}[{key}]", $"Metadata values can be at most {MaximumMetadataValueLength} characters long; the value of '{key}' has {value.Length}."));
            }
        }

        return metadata;
    }

    private static (IReadOnlyDictionary<string, string> Metadata, string? Description) ParsePaymentIntentData(StripeParameter? parameter)
    {
        if (parameter is null || parameter.IsEmpty)
        {
            return (new SortedDictionary<string, string>(StringComparer.Ordinal), null);
        }

        if (!parameter.HasChildren)
        {
            throw Fail(StripeApiError.InvalidValue(parameter.Path, "Invalid hash: payment_intent_data must be sent as payment_intent_data[key]=value."));
        }

        RejectUnexpectedNames(parameter.ChildNames, name => $"payment_intent_data[{name}]", PaymentIntentDataParameters, NotSimulatedPaymentIntentDataParameters);

        return (ParseMetadata(parameter["metadata"]), ReadNonEmptyString(parameter["description"]));
    }
}
