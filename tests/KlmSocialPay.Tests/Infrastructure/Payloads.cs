using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KlmSocialPay.Tests.Infrastructure;

/// <summary>
/// Real-format webhook bodies, written from the shapes Stripe and Meta document, with the ids each test needs.
/// Templates live in Payloads/*.json beside the tests.
/// </summary>
internal static class Payloads
{
    private static string Template(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", name));

    /// <summary>A Stripe event about a Checkout Session, from the <c>checkout.session.completed</c> template.</summary>
    public static string StripeCheckoutEvent(
        string type,
        string eventId,
        string sessionId,
        string? orderId,
        long amountTotal,
        string currency = "eur",
        string paymentStatus = "paid",
        string status = "complete",
        string apiVersion = "2026-10-28.endive",
        string? clientReferenceId = null)
    {
        var root = JsonNode.Parse(Template("stripe.checkout.session.completed.json"))!;
        root["id"] = eventId;
        root["type"] = type;
        root["api_version"] = apiVersion;
        root["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var session = root["data"]!["object"]!;
        session["id"] = sessionId;
        session["amount_total"] = amountTotal;
        session["amount_subtotal"] = amountTotal;
        session["currency"] = currency;
        session["payment_status"] = paymentStatus;
        session["status"] = status;
        session["client_reference_id"] = clientReferenceId ?? orderId;
        session["metadata"] = orderId is null ? new JsonObject() : new JsonObject { ["order_id"] = orderId };
        if (status == "expired")
        {
            session["payment_intent"] = null;
        }

        return root.ToJsonString();
    }

    /// <summary>A Messenger webhook body with one text message per (psid, mid, text), all in one entry.</summary>
    public static byte[] MessengerMessages(params (string Psid, string Mid, string? Text)[] messages)
    {
        var messaging = new JsonArray();
        foreach (var (psid, mid, text) in messages)
        {
            var message = new JsonObject { ["mid"] = mid };
            if (text is not null)
            {
                message["text"] = text;
            }
            else
            {
                message["attachments"] = new JsonArray(new JsonObject
                {
                    ["type"] = "image",
                    ["payload"] = new JsonObject { ["url"] = "https://scontent.example.test/photo.jpg" },
                });
            }

            messaging.Add(new JsonObject
            {
                ["sender"] = new JsonObject { ["id"] = psid },
                ["recipient"] = new JsonObject { ["id"] = "100000000000001" },
                ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ["message"] = message,
            });
        }

        var body = new JsonObject
        {
            ["object"] = "page",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "100000000000001",
                ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ["messaging"] = messaging,
            }),
        };

        // Meta escapes non-ASCII characters as \uXXXX; the default encoder does the same.
        return Encoding.UTF8.GetBytes(body.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default }));
    }

    public static byte[] FromTemplate(string name) => Encoding.UTF8.GetBytes(Template(name));
}
