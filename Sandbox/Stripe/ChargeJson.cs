using System.Text.Json;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// Writes a <c>charge</c> object with the field set of API version 2026-10-28.endive as Stripe.net 53.1.0 reads
/// it. The payment method details are fixed test values, like those of Stripe's test cards and test IBANs.
/// </summary>
internal static class ChargeJson
{
    /// <summary>The failure the sandbox reports for a SEPA Direct Debit payment that fails to settle.</summary>
    public const string DelayedPaymentFailureCode = "insufficient_funds";

    public const string DelayedPaymentFailureMessage = "The customer's account has insufficient funds to cover this payment.";

    public static string Serialize(ChargeState charge) => StripeJson.Write(writer => Write(writer, charge));

    public static void Write(Utf8JsonWriter writer, ChargeState charge)
    {
        var failed = charge.Status == ChargeStatus.Failed;

        writer.WriteStartObject();
        writer.WriteString("id", charge.Id);
        writer.WriteString("object", "charge");
        writer.WriteNumber("amount", charge.Amount);
        writer.WriteNumber("amount_captured", failed ? 0 : charge.Amount);
        writer.WriteNumber("amount_refunded", charge.AmountRefunded);
        writer.WriteNull("application");
        writer.WriteNull("application_fee");
        writer.WriteNull("application_fee_amount");
        writer.WriteStringOrNull("balance_transaction", charge.BalanceTransactionId);
        writer.WriteObject("billing_details", () =>
        {
            writer.WriteObject("address", () =>
            {
                writer.WriteNull("city");
                writer.WriteNull("country");
                writer.WriteNull("line1");
                writer.WriteNull("line2");
                writer.WriteNull("postal_code");
                writer.WriteNull("state");
            });
            writer.WriteString("email", charge.BillingEmail);
            writer.WriteNull("name");
            writer.WriteNull("phone");
            writer.WriteNull("tax_id");
        });
        writer.WriteString("calculated_statement_descriptor", "KLMSOCIALPAY SANDBOX");
        writer.WriteBoolean("captured", !failed);
        writer.WriteNumber("created", charge.Created.ToUnixTimeSeconds());
        writer.WriteString("currency", charge.Currency);
        writer.WriteNull("customer");
        writer.WriteStringOrNull("description", charge.Description);
        writer.WriteBoolean("disputed", charge.Disputed);
        writer.WriteNull("failure_balance_transaction");
        writer.WriteStringOrNull("failure_code", failed ? DelayedPaymentFailureCode : null);
        writer.WriteStringOrNull("failure_message", failed ? DelayedPaymentFailureMessage : null);
        writer.WriteEmptyObject("fraud_details");
        writer.WriteBoolean("livemode", false);
        writer.WriteHash("metadata", charge.Metadata);
        writer.WriteNull("on_behalf_of");
        WriteOutcome(writer, failed);
        writer.WriteBoolean("paid", charge.Status == ChargeStatus.Succeeded);
        writer.WriteString("payment_intent", charge.PaymentIntentId);
        writer.WriteString("payment_method", charge.PaymentMethodId);
        WritePaymentMethodDetails(writer, charge);
        writer.WriteNull("presentment_details");
        writer.WriteEmptyObject("radar_options");
        writer.WriteNull("receipt_email");
        writer.WriteNull("receipt_number");
        writer.WriteNull("receipt_url");
        writer.WriteBoolean("refunded", charge.Refunded);
        writer.WriteNull("review");
        writer.WriteNull("shipping");
        writer.WriteNull("source");
        writer.WriteNull("source_transfer");
        writer.WriteNull("statement_descriptor");
        writer.WriteNull("statement_descriptor_suffix");
        writer.WriteString("status", StatusText(charge.Status));
        writer.WriteNull("transfer_data");
        writer.WriteNull("transfer_group");
        writer.WriteEndObject();
    }

    public static string StatusText(ChargeStatus status) => status switch
    {
        ChargeStatus.Pending => "pending",
        ChargeStatus.Succeeded => "succeeded",
        ChargeStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown charge status."),
    };

    private static void WriteOutcome(Utf8JsonWriter writer, bool failed) =>
        writer.WriteObject("outcome", () =>
        {
            writer.WriteNull("advice_code");
            writer.WriteNull("network_advice_code");
            writer.WriteNull("network_decline_code");
            writer.WriteString("network_status", failed ? "declined_by_network" : "approved_by_network");
            writer.WriteStringOrNull("reason", failed ? DelayedPaymentFailureCode : null);
            writer.WriteString("risk_level", "normal");
            writer.WriteString("seller_message", failed ? "The bank returned the decline code `insufficient_funds`." : "Payment complete.");
            writer.WriteString("type", failed ? "issuer_declined" : "authorized");
        });

    private static void WritePaymentMethodDetails(Utf8JsonWriter writer, ChargeState charge) =>
        writer.WriteObject("payment_method_details", () =>
        {
            switch (charge.PaymentMethodType)
            {
                case StripePaymentMethods.Card:
                    writer.WriteObject("card", () =>
                    {
                        writer.WriteNumber("amount_authorized", charge.Amount);
                        writer.WriteString("brand", "visa");
                        writer.WriteObject("checks", () =>
                        {
                            writer.WriteNull("address_line1_check");
                            writer.WriteNull("address_postal_code_check");
                            writer.WriteString("cvc_check", "pass");
                        });
                        writer.WriteString("country", "NL");
                        writer.WriteNumber("exp_month", 12);
                        writer.WriteNumber("exp_year", 2034);
                        writer.WriteString("funding", "credit");
                        writer.WriteString("last4", "4242");
                        writer.WriteString("network", "visa");
                        writer.WriteNull("three_d_secure");
                        writer.WriteNull("wallet");
                    });
                    break;

                case StripePaymentMethods.Ideal:
                    writer.WriteObject("ideal", () =>
                    {
                        writer.WriteString("bank", "ing");
                        writer.WriteString("bic", "INGBNL2A");
                        writer.WriteString("iban_last4", "5264");
                        writer.WriteNull("verified_name");
                    });
                    break;

                case StripePaymentMethods.SepaDebit:
                    writer.WriteObject("sepa_debit", () =>
                    {
                        writer.WriteString("bank_code", "37040044");
                        writer.WriteNull("branch_code");
                        writer.WriteString("country", "DE");
                        writer.WriteString("last4", "3000");
                        writer.WriteNull("mandate");
                    });
                    break;

                default:
                    writer.WriteEmptyObject(charge.PaymentMethodType);
                    break;
            }

            writer.WriteString("type", charge.PaymentMethodType);
        });
}
