using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>Writes a <c>refund</c> object with the field set of API version 2026-10-28.endive as Stripe.net 53.1.0 reads it.</summary>
internal static class RefundJson
{
    /// <summary>The only failure the sandbox injects, one of the values Stripe documents for <c>failure_reason</c>.</summary>
    public const string InjectedFailureReason = "expired_or_canceled_card";

    public static string Serialize(RefundState refund) => StripeJson.Write(writer => Write(writer, refund));

    public static void Write(Utf8JsonWriter writer, RefundState refund)
    {
        writer.WriteStartObject();
        writer.WriteString("id", refund.Id);
        writer.WriteString("object", "refund");
        writer.WriteNumber("amount", refund.Amount);
        writer.WriteString("balance_transaction", refund.BalanceTransactionId);
        writer.WriteString("charge", refund.ChargeId);
        writer.WriteNumber("created", refund.Created.ToUnixTimeSeconds());
        writer.WriteString("currency", refund.Currency);
        writer.WriteNull("customer");
        writer.WriteNull("customer_account");
        writer.WriteNull("description");
        WriteDestinationDetails(writer, refund);
        writer.WriteStringOrNull("failure_balance_transaction", refund.FailureBalanceTransactionId);
        writer.WriteStringOrNull("failure_reason", refund.FailureReason);
        writer.WriteNull("instructions_email");
        writer.WriteHash("metadata", refund.Metadata);
        writer.WriteNull("next_action");
        writer.WriteString("payment_intent", refund.PaymentIntentId);
        writer.WriteString("payment_method", refund.PaymentMethodId);
        writer.WriteStringOrNull("pending_reason", refund.Status == RefundStatus.Pending ? "processing" : null);
        writer.WriteNull("presentment_details");
        writer.WriteStringOrNull("reason", refund.Reason);
        writer.WriteNull("receipt_number");
        writer.WriteNull("source_transfer_reversal");
        writer.WriteString("status", StatusText(refund.Status));
        writer.WriteNull("transfer_reversal");
        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes the fields that changed from <paramref name="previous"/> to <paramref name="current"/>, with their
    /// old values, for <c>data.previous_attributes</c> of <c>refund.updated</c>.
    /// </summary>
    public static void WritePreviousAttributes(Utf8JsonWriter writer, RefundState current, RefundState previous)
    {
        if (current.PaymentMethodType == StripePaymentMethods.Card && current.Status == RefundStatus.Succeeded)
        {
            writer.WriteObject("destination_details", () => writer.WriteObject("card", () =>
            {
                writer.WriteNull("reference");
                writer.WriteString("reference_status", "pending");
            }));
        }

        if (current.FailureBalanceTransactionId != previous.FailureBalanceTransactionId)
        {
            writer.WriteStringOrNull("failure_balance_transaction", previous.FailureBalanceTransactionId);
        }

        if (current.FailureReason != previous.FailureReason)
        {
            writer.WriteStringOrNull("failure_reason", previous.FailureReason);
        }

        writer.WriteStringOrNull("pending_reason", previous.Status == RefundStatus.Pending ? "processing" : null);
        writer.WriteString("status", StatusText(previous.Status));
    }

    public static string StatusText(RefundStatus status) => status switch
    {
        RefundStatus.Pending => "pending",
        RefundStatus.Succeeded => "succeeded",
        RefundStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown refund status."),
    };

    /// <summary>
    /// Writes <c>destination_details</c>. A card refund reports its acquirer reference number once it succeeded;
    /// other methods carry only the empty hash named after their type.
    /// </summary>
    private static void WriteDestinationDetails(Utf8JsonWriter writer, RefundState refund) =>
        writer.WriteObject("destination_details", () =>
        {
            if (refund.PaymentMethodType == StripePaymentMethods.Card)
            {
                writer.WriteObject("card", () =>
                {
                    var available = refund.Status == RefundStatus.Succeeded;
                    writer.WriteStringOrNull("reference", available ? ReferenceNumber(refund.Id) : null);
                    writer.WriteString("reference_status", available ? "available" : "pending");
                    writer.WriteString("reference_type", "acquirer_reference_number");
                    writer.WriteString("type", "refund");
                });
            }
            else
            {
                writer.WriteEmptyObject(refund.PaymentMethodType);
            }

            writer.WriteString("type", refund.PaymentMethodType);
        });

    /// <summary>A 23-digit acquirer reference number derived from the refund id, so it stays the same on every read.</summary>
    private static string ReferenceNumber(string refundId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(refundId));

        return BitConverter.ToUInt64(hash, 0).ToString("D23", CultureInfo.InvariantCulture);
    }
}
