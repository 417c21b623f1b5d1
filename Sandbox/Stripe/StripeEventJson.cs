using System.Text.Json;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>Writes Stripe's event envelope around the snapshot of one object.</summary>
internal static class StripeEventJson
{
    /// <summary>The version Stripe.net 53.1.0 pins (<c>ApiVersion.Current</c>). Its webhook check accepts any version of the endive train.</summary>
    public const string ApiVersion = "2026-10-28.endive";

    public static string Serialize(
        string id,
        string type,
        DateTimeOffset created,
        StripeEventData data,
        StripeRequestReference request,
        int pendingWebhooks) =>
        StripeJson.Write(writer => Write(writer, id, type, created, data, request, pendingWebhooks));

    public static void Write(
        Utf8JsonWriter writer,
        string id,
        string type,
        DateTimeOffset created,
        StripeEventData data,
        StripeRequestReference request,
        int pendingWebhooks)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("object", "event");
        writer.WriteString("api_version", ApiVersion);
        writer.WriteNumber("created", created.ToUnixTimeSeconds());
        writer.WriteStartObject("data");
        writer.WritePropertyName("object");
        data.WriteObject(writer);

        if (data.WritePreviousAttributes is { } writePreviousAttributes)
        {
            writer.WriteStartObject("previous_attributes");
            writePreviousAttributes(writer);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteBoolean("livemode", false);
        writer.WriteNumber("pending_webhooks", pendingWebhooks);
        writer.WriteStartObject("request");
        writer.WriteStringOrNull("id", request.Id);
        writer.WriteStringOrNull("idempotency_key", request.IdempotencyKey);
        writer.WriteEndObject();
        writer.WriteString("type", type);
        writer.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter writer, StripeEventRecord record, int pendingWebhooks) =>
        Write(writer, record.Id, record.Type, record.Created, record.Data, record.Request, pendingWebhooks);
}
