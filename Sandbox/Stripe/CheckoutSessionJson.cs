using System.Text.Json;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// Writes a <c>checkout.session</c> object with the field set and order of API version 2026-10-28.endive as
/// Stripe.net 53.1.0 reads it. Fields the sandbox does not simulate carry the values Stripe sends for a
/// session that does not use them.
/// </summary>
internal static class CheckoutSessionJson
{
    /// <summary>E-mail reported in <c>customer_details</c> when the session had no <c>customer_email</c>.</summary>
    public const string DefaultCustomerEmail = "customer@example.test";

    public static string Serialize(CheckoutSessionState session, string publicBaseUrl) =>
        StripeJson.Write(writer => Write(writer, session, publicBaseUrl));

    public static void Write(Utf8JsonWriter writer, CheckoutSessionState session, string publicBaseUrl)
    {
        var parameters = session.Parameters;

        writer.WriteStartObject();
        writer.WriteString("id", session.Id);
        writer.WriteString("object", "checkout.session");
        WriteObject(writer, "adaptive_pricing", () => writer.WriteBoolean("enabled", false));
        writer.WriteNull("after_expiration");
        writer.WriteNull("allow_promotion_codes");
        WriteStrings(writer, "allowed_payment_method_types", parameters.AllowedPaymentMethodTypes);
        writer.WriteNumber("amount_subtotal", parameters.AmountTotal);
        writer.WriteNumber("amount_total", parameters.AmountTotal);
        WriteObject(writer, "automatic_tax", () =>
        {
            writer.WriteBoolean("enabled", false);
            writer.WriteNull("liability");
            writer.WriteNull("provider");
            writer.WriteNull("status");
        });
        writer.WriteStringOrNull("billing_address_collection", parameters.BillingAddressCollection);
        writer.WriteNull("branding_settings");
        writer.WriteStringOrNull("cancel_url", parameters.CancelUrl);
        writer.WriteStringOrNull("client_reference_id", parameters.ClientReferenceId);
        writer.WriteNull("client_secret");
        writer.WriteNull("collected_information");
        writer.WriteNull("consent");
        writer.WriteNull("consent_collection");
        writer.WriteNumber("created", session.Created.ToUnixTimeSeconds());
        writer.WriteString("currency", parameters.Currency);
        writer.WriteNull("currency_conversion");
        WriteStrings(writer, "custom_fields", []);
        WriteObject(writer, "custom_text", () =>
        {
            writer.WriteNull("after_submit");
            writer.WriteNull("shipping_address");
            writer.WriteNull("submit");
            writer.WriteNull("terms_of_service_acceptance");
        });
        writer.WriteNull("customer");
        writer.WriteNull("customer_account");
        writer.WriteString("customer_creation", "if_required");
        WriteCustomerDetails(writer, session);
        writer.WriteStringOrNull("customer_email", parameters.CustomerEmail);
        WriteStrings(writer, "discounts", []);
        WriteStrings(writer, "excluded_payment_method_types", parameters.ExcludedPaymentMethodTypes);
        writer.WriteNumber("expires_at", parameters.ExpiresAt.ToUnixTimeSeconds());
        writer.WriteNull("integration_identifier");
        writer.WriteNull("invoice");
        WriteObject(writer, "invoice_creation", () =>
        {
            writer.WriteBoolean("enabled", false);
            WriteObject(writer, "invoice_data", () =>
            {
                writer.WriteNull("account_tax_ids");
                writer.WriteNull("custom_fields");
                writer.WriteNull("description");
                writer.WriteNull("footer");
                writer.WriteNull("issuer");
                WriteObject(writer, "metadata", () => { });
                writer.WriteNull("rendering_options");
            });
        });
        writer.WriteBoolean("livemode", false);
        writer.WriteStringOrNull("locale", parameters.Locale);
        writer.WriteNull("managed_payments");
        WriteObject(writer, "metadata", () =>
        {
            foreach (var (key, value) in parameters.Metadata)
            {
                writer.WriteString(key, value);
            }
        });
        writer.WriteString("mode", "payment");
        writer.WriteNull("name_collection");
        writer.WriteNull("optional_items");
        writer.WriteNull("origin_context");
        writer.WriteStringOrNull("payment_intent", session.PaymentIntentId);
        writer.WriteNull("payment_link");
        writer.WriteString("payment_method_collection", "if_required");
        writer.WriteNull("payment_method_configuration_details");
        WriteObject(writer, "payment_method_options", () =>
        {
            if (parameters.PaymentMethodTypes.Contains(StripePaymentMethods.Card))
            {
                WriteObject(writer, "card", () => writer.WriteString("request_three_d_secure", "automatic"));
            }
        });
        WriteStrings(writer, "payment_method_types", parameters.PaymentMethodTypes);
        writer.WriteString("payment_status", session.PaymentStatus);
        writer.WriteNull("permissions");
        WriteObject(writer, "phone_number_collection", () => writer.WriteBoolean("enabled", false));
        writer.WriteNull("presentment_details");
        writer.WriteNull("recovered_from");
        writer.WriteNull("redirect_on_completion");
        writer.WriteNull("return_url");
        writer.WriteNull("saved_payment_method_options");
        writer.WriteNull("setup_intent");
        writer.WriteNull("shipping_address_collection");
        writer.WriteNull("shipping_cost");
        WriteStrings(writer, "shipping_options", []);
        writer.WriteString("status", StatusText(session.Status));
        writer.WriteStringOrNull("submit_type", parameters.SubmitType);
        writer.WriteNull("subscription");
        writer.WriteStringOrNull("success_url", parameters.SuccessUrl);
        WriteObject(writer, "tax_id_collection", () =>
        {
            writer.WriteBoolean("enabled", false);
            writer.WriteString("required", "never");
        });
        WriteObject(writer, "total_details", () =>
        {
            writer.WriteNumber("amount_discount", 0);
            writer.WriteNumber("amount_shipping", 0);
            writer.WriteNumber("amount_tax", 0);
        });
        writer.WriteString("ui_mode", "hosted_page");

        // Stripe returns the URL only while the session can still be paid.
        writer.WriteStringOrNull("url", session.IsOpen ? HostedPageUrl(publicBaseUrl, session.Id) : null);
        writer.WriteNull("wallet_options");
        writer.WriteEndObject();
    }

    public static string HostedPageUrl(string publicBaseUrl, string sessionId) =>
        SandboxUrls.Combine(publicBaseUrl, $"/sandbox/stripe/pay/{sessionId}");

    public static string StatusText(CheckoutSessionStatus status) => status switch
    {
        CheckoutSessionStatus.Open => "open",
        CheckoutSessionStatus.Complete => "complete",
        CheckoutSessionStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown Checkout Session status."),
    };

    /// <summary>Writes <c>customer_details</c>, which Stripe fills once the customer submits the page and leaves null before.</summary>
    private static void WriteCustomerDetails(Utf8JsonWriter writer, CheckoutSessionState session)
    {
        if (session.SubmittedAt is null)
        {
            writer.WriteNull("customer_details");
            return;
        }

        WriteObject(writer, "customer_details", () =>
        {
            WriteObject(writer, "address", () =>
            {
                writer.WriteNull("city");
                writer.WriteNull("country");
                writer.WriteNull("line1");
                writer.WriteNull("line2");
                writer.WriteNull("postal_code");
                writer.WriteNull("state");
            });
            writer.WriteNull("business_name");
            writer.WriteString("email", session.Parameters.CustomerEmail ?? DefaultCustomerEmail);
            writer.WriteNull("individual_name");
            writer.WriteNull("name");
            writer.WriteNull("phone");
            writer.WriteString("tax_exempt", "none");
            WriteStrings(writer, "tax_ids", []);
        });
    }

    private static void WriteObject(Utf8JsonWriter writer, string name, Action writeProperties)
    {
        writer.WriteStartObject(name);
        writeProperties();
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);

        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
