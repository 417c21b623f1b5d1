using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using KlmSocialPay.Api.Channels;
using Stripe;

namespace KlmSocialPay.Micro;

/// <summary>
/// Signature checks on the webhook paths: Stripe's <c>Stripe-Signature</c> through Stripe.net's
/// <see cref="EventUtility"/> on a 10 KB <c>checkout.session.completed</c> event, and Meta's
/// <c>X-Hub-Signature-256</c> through <see cref="MetaSignature"/> on one message and on a full batch.
/// </summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private const string StripeSecret = "whsec_sandbox";
    private const string MetaSecret = "sandbox-meta-app-secret";

    private string stripeEvent = "";
    private string stripeHeader = "";
    private byte[] messengerMessage = [];
    private string messengerMessageHeader = "";
    private byte[] messengerBatch = [];
    private string messengerBatchHeader = "";

    [GlobalSetup]
    public void Setup()
    {
        stripeEvent = TenKilobyteEvent();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(StripeSecret), Encoding.UTF8.GetBytes($"{timestamp}.{stripeEvent}"));
        stripeHeader = $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";

        messengerMessage = MessengerBody(1);
        messengerMessageHeader = MetaSignature.Compute(messengerMessage, MetaSecret);
        messengerBatch = MessengerBody(100);
        messengerBatchHeader = MetaSignature.Compute(messengerBatch, MetaSecret);

        if (!MetaSignature.IsValid(messengerBatch, messengerBatchHeader, MetaSecret) || ConstructEvent().Id is null)
        {
            throw new InvalidOperationException("The benchmark inputs do not verify.");
        }
    }

    /// <summary>Signature check and event parsing, as <c>POST /webhooks/stripe</c> calls it.</summary>
    [Benchmark]
    public Event ConstructEvent() =>
        EventUtility.ConstructEvent(stripeEvent, stripeHeader, StripeSecret, tolerance: 300, throwOnApiVersionMismatch: false);

    /// <summary>The signature check alone, without parsing the event.</summary>
    [Benchmark]
    public void ValidateStripeSignature() => EventUtility.ValidateSignature(stripeEvent, stripeHeader, StripeSecret, tolerance: 300);

    [Benchmark]
    public bool MetaSignatureOneMessage() => MetaSignature.IsValid(messengerMessage, messengerMessageHeader, MetaSecret);

    [Benchmark]
    public bool MetaSignatureBatchOf100() => MetaSignature.IsValid(messengerBatch, messengerBatchHeader, MetaSecret);

    public int StripeEventBytes => Encoding.UTF8.GetByteCount(stripeEvent);

    /// <summary>
    /// The tests' <c>checkout.session.completed</c> event, grown to 10 KB with session metadata, as an
    /// integration that stores many keys (Stripe allows 50 of up to 500 characters) would send.
    /// </summary>
    internal static string TenKilobyteEvent()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("stripe.checkout.session.completed.json")
            ?? throw new InvalidOperationException("The embedded Stripe event template is missing; check Micro.csproj.");
        var root = JsonNode.Parse(stream)!;
        var metadata = root["data"]!["object"]!["metadata"]!.AsObject();
        for (var i = 0; Encoding.UTF8.GetByteCount(root.ToJsonString()) < 10 * 1024; i++)
        {
            metadata[$"note_{i:D2}"] = new string((char)('a' + (i % 26)), 200);
        }

        return root.ToJsonString();
    }

    private static byte[] MessengerBody(int messages)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var messaging = new JsonArray();
        for (var i = 0; i < messages; i++)
        {
            messaging.Add(new JsonObject
            {
                ["sender"] = new JsonObject { ["id"] = $"7000000000{i:D6}" },
                ["recipient"] = new JsonObject { ["id"] = "100000000000001" },
                ["timestamp"] = now,
                ["message"] = new JsonObject { ["mid"] = $"m_{Guid.NewGuid():N}", ["text"] = "Hoi, ik wil stoel 12A bijboeken" },
            });
        }

        var body = new JsonObject
        {
            ["object"] = "page",
            ["entry"] = new JsonArray(new JsonObject { ["id"] = "100000000000001", ["time"] = now, ["messaging"] = messaging }),
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }
}
