using System.Text.Json;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>Writes Stripe's event envelope around a Checkout Session snapshot.</summary>
internal static class StripeEventJson
{
    /// <summary>The version Stripe.net 53.1.0 pins (<c>ApiVersion.Current</c>). Its webhook check accepts any version of the endive train.</summary>
    public const string ApiVersion = "2026-10-28.endive";

    public static string Serialize(
        string id,
        string type,
        DateTimeOffset created,
        CheckoutSessionState session,
        StripeRequestReference request,
        int pendingWebhooks,
        string publicBaseUrl) =>
        StripeJson.Write(writer => Write(writer, id, type, created, session, request, pendingWebhooks, publicBaseUrl));

    public static void Write(
        Utf8JsonWriter writer,
        string id,
        string type,
        DateTimeOffset created,
        CheckoutSessionState session,
        StripeRequestReference request,
        int pendingWebhooks,
        string publicBaseUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("object", "event");
        writer.WriteString("api_version", ApiVersion);
        writer.WriteNumber("created", created.ToUnixTimeSeconds());
        writer.WriteStartObject("data");
        writer.WritePropertyName("object");
        CheckoutSessionJson.Write(writer, session, publicBaseUrl);
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

    public static void Write(Utf8JsonWriter writer, StripeEventRecord record, int pendingWebhooks, string publicBaseUrl) =>
        Write(writer, record.Id, record.Type, record.Created, record.Session, record.Request, pendingWebhooks, publicBaseUrl);
}
