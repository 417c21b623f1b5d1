using System.Text.Json;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// Writes a <c>payment_intent</c> object with the field set of API version 2026-10-28.endive as Stripe.net
/// 53.1.0 reads it. Fields the sandbox does not simulate carry the values Stripe sends when they are unused.
/// </summary>
internal static class PaymentIntentJson
{
    public static string Serialize(PaymentIntentState paymentIntent) =>
        StripeJson.Write(writer => Write(writer, paymentIntent));

    public static void Write(Utf8JsonWriter writer, PaymentIntentState paymentIntent)
    {
        var succeeded = paymentIntent.Status == PaymentIntentStatus.Succeeded;

        writer.WriteStartObject();
        writer.WriteString("id", paymentIntent.Id);
        writer.WriteString("object", "payment_intent");
        writer.WriteStrings("allowed_payment_method_types", paymentIntent.PaymentMethodTypes);
        writer.WriteNumber("amount", paymentIntent.Amount);
        writer.WriteNumber("amount_capturable", 0);
        writer.WriteObject("amount_details", () => writer.WriteEmptyObject("tip"));
        writer.WriteNumber("amount_received", succeeded ? paymentIntent.Amount : 0);
        writer.WriteNull("application");
        writer.WriteNull("application_fee_amount");
        writer.WriteNull("automatic_payment_methods");
        writer.WriteNull("canceled_at");
        writer.WriteNull("cancellation_reason");
        writer.WriteString("capture_method", "automatic_async");
        writer.WriteString("client_secret", paymentIntent.ClientSecret);
        writer.WriteString("confirmation_method", "automatic");
        writer.WriteNumber("created", paymentIntent.Created.ToUnixTimeSeconds());
        writer.WriteString("currency", paymentIntent.Currency);
        writer.WriteNull("customer");
        writer.WriteNull("customer_account");
        writer.WriteStringOrNull("description", paymentIntent.Description);
        writer.WriteNull("excluded_payment_method_types");
        writer.WriteNull("hooks");
        WriteLastPaymentError(writer, paymentIntent);
        writer.WriteString("latest_charge", paymentIntent.LatestChargeId);
        writer.WriteBoolean("livemode", false);
        writer.WriteNull("managed_payments");
        writer.WriteHash("metadata", paymentIntent.Metadata);
        writer.WriteNull("next_action");
        writer.WriteNull("on_behalf_of");
        writer.WriteNull("payment_details");

        // A failed delayed payment detaches its payment method, as Stripe does when it requires a new one.
        writer.WriteStringOrNull("payment_method", paymentIntent.Status == PaymentIntentStatus.RequiresPaymentMethod ? null : paymentIntent.PaymentMethodId);
        writer.WriteNull("payment_method_configuration_details");
        writer.WriteObject("payment_method_options", () =>
        {
            foreach (var type in paymentIntent.PaymentMethodTypes)
            {
                if (type == StripePaymentMethods.Card)
                {
                    writer.WriteObject(type, () => writer.WriteString("request_three_d_secure", "automatic"));
                }
                else
                {
                    writer.WriteEmptyObject(type);
                }
            }
        });
        writer.WriteStrings("payment_method_types", paymentIntent.PaymentMethodTypes);
        writer.WriteNull("presentment_details");
        writer.WriteNull("processing");
        writer.WriteNull("receipt_email");
        writer.WriteNull("review");
        writer.WriteNull("setup_future_usage");
        writer.WriteNull("shipping");
        writer.WriteNull("source");
        writer.WriteNull("statement_descriptor");
        writer.WriteNull("statement_descriptor_suffix");
        writer.WriteString("status", StatusText(paymentIntent.Status));
        writer.WriteNull("transfer_data");
        writer.WriteNull("transfer_group");
        writer.WriteEndObject();
    }

    public static string StatusText(PaymentIntentStatus status) => status switch
    {
        PaymentIntentStatus.Processing => "processing",
        PaymentIntentStatus.Succeeded => "succeeded",
        PaymentIntentStatus.RequiresPaymentMethod => "requires_payment_method",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown PaymentIntent status."),
    };

    private static void WriteLastPaymentError(Utf8JsonWriter writer, PaymentIntentState paymentIntent)
    {
        if (paymentIntent.Status != PaymentIntentStatus.RequiresPaymentMethod)
        {
            writer.WriteNull("last_payment_error");
            return;
        }

        writer.WriteObject("last_payment_error", () =>
        {
            writer.WriteString("code", ChargeJson.DelayedPaymentFailureCode);
            writer.WriteString("message", ChargeJson.DelayedPaymentFailureMessage);
            writer.WriteString("payment_method_type", paymentIntent.PaymentMethodType);
            writer.WriteString("type", "invalid_request_error");
        });
    }
}
