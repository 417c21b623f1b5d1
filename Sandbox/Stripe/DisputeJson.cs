using System.Text.Json;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>Writes a <c>dispute</c> object with the field set of API version 2026-10-28.endive as Stripe.net 53.1.0 reads it.</summary>
internal static class DisputeJson
{
    /// <summary>Evidence fields of a dispute, all empty because the sandbox takes no evidence.</summary>
    private static readonly string[] EvidenceFields =
    [
        "access_activity_log", "billing_address", "cancellation_policy", "cancellation_policy_disclosure",
        "cancellation_rebuttal", "customer_communication", "customer_email_address", "customer_name",
        "customer_purchase_ip", "customer_signature", "duplicate_charge_documentation", "duplicate_charge_explanation",
        "duplicate_charge_id", "product_description", "receipt", "refund_policy", "refund_policy_disclosure",
        "refund_refusal_explanation", "service_date", "service_documentation", "shipping_address", "shipping_carrier",
        "shipping_date", "shipping_documentation", "shipping_tracking_number", "uncategorized_file", "uncategorized_text",
    ];

    public static string Serialize(DisputeState dispute) => StripeJson.Write(writer => Write(writer, dispute));

    public static void Write(Utf8JsonWriter writer, DisputeState dispute)
    {
        writer.WriteStartObject();
        writer.WriteString("id", dispute.Id);
        writer.WriteString("object", "dispute");
        writer.WriteNumber("amount", dispute.Amount);

        // NOTE: Stripe lists the withdrawal (and a reinstatement when won) here; the sandbox keeps no balance.
        writer.WriteStartArray("balance_transactions");
        writer.WriteEndArray();
        writer.WriteString("charge", dispute.ChargeId);
        writer.WriteNumber("created", dispute.Created.ToUnixTimeSeconds());
        writer.WriteString("currency", dispute.Currency);
        writer.WriteStartArray("enhanced_eligibility_types");
        writer.WriteEndArray();
        writer.WriteObject("evidence", () =>
        {
            foreach (var field in EvidenceFields)
            {
                writer.WriteNull(field);
            }

            writer.WriteEmptyObject("enhanced_evidence");
        });
        writer.WriteObject("evidence_details", () =>
        {
            writer.WriteNumber("due_by", dispute.EvidenceDueBy.ToUnixTimeSeconds());
            writer.WriteEmptyObject("enhanced_eligibility");
            writer.WriteBoolean("has_evidence", false);
            writer.WriteBoolean("past_due", false);
            writer.WriteNumber("submission_count", 0);
        });
        writer.WriteNull("intended_submission_method");
        writer.WriteBoolean("is_charge_refundable", false);
        writer.WriteBoolean("livemode", false);
        writer.WriteEmptyObject("metadata");
        writer.WriteNull("network_reason_code");
        writer.WriteString("payment_intent", dispute.PaymentIntentId);
        writer.WriteObject("payment_method_details", () =>
        {
            if (dispute.PaymentMethodType == StripePaymentMethods.Card)
            {
                writer.WriteObject("card", () =>
                {
                    writer.WriteString("brand", "visa");
                    writer.WriteString("case_type", "chargeback");
                    writer.WriteString("network", "visa");
                    writer.WriteNull("network_reason_code");
                });
            }

            writer.WriteString("type", dispute.PaymentMethodType);
        });
        writer.WriteString("reason", dispute.Reason);
        writer.WriteString("status", StatusText(dispute.Status));
        writer.WriteEndObject();
    }

    public static string StatusText(DisputeStatus status) => status switch
    {
        DisputeStatus.NeedsResponse => "needs_response",
        DisputeStatus.Won => "won",
        DisputeStatus.Lost => "lost",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown dispute status."),
    };
}
