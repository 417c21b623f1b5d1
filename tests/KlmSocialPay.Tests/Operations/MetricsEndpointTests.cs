using System.Net;
using System.Text.RegularExpressions;
using KlmSocialPay.Grains.Money;
using KlmSocialPay.Grains.Telemetry;

namespace KlmSocialPay.Tests.Operations;

[Collection(OperationsCollection.Name)]
public sealed class MetricsEndpointTests(OperationsHost host)
{
    [Fact]
    public async Task Metrics_UsePrometheusTextFormat()
    {
        using var client = host.CreateBasicClient();

        var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Metrics_AfterWebhook_ListWebhookCounter()
    {
        using var client = host.Product.CreateClient();
        using var messenger = new StringContent("{\"object\":\"page\",\"entry\":[]}", System.Text.Encoding.UTF8, "application/json");
        var webhook = await client.PostAsync("/webhooks/messenger", messenger);
        Assert.Equal(HttpStatusCode.Unauthorized, webhook.StatusCode);

        var line = await ScrapeLine("klmsocialpay_webhooks_received_total", "source=\"messenger\"", "outcome=\"invalid-signature\"");
        Assert.True(SampleValue(line) >= 1, line);
    }

    [Theory]
    [InlineData(OrderStatus.LinkSent, OrderStatus.Paid, "link-sent", "paid")]
    [InlineData(OrderStatus.LinkSent, OrderStatus.Processing, "link-sent", "processing")]
    [InlineData(OrderStatus.Paid, OrderStatus.PartiallyRefunded, "paid", "partially-refunded")]
    public async Task Metrics_ListOrderTransitions(OrderStatus from, OrderStatus to, string fromTag, string toTag)
    {
        ProductMetrics.RecordOrderTransition(from, to);

        var line = await ScrapeLine("klmsocialpay_orders_transitions_total", $"from=\"{fromTag}\"", $"to=\"{toTag}\"");
        Assert.True(SampleValue(line) >= 1, line);
    }

    [Fact]
    public async Task Metrics_ListFirstOrderStatusFromNone()
    {
        ProductMetrics.RecordOrderTransition(null, OrderStatus.Requested);

        var line = await ScrapeLine("klmsocialpay_orders_transitions_total", "from=\"none\"", "to=\"requested\"");
        Assert.True(SampleValue(line) >= 1, line);
    }

    [Fact]
    public async Task Metrics_ListLinkDeliveryAttempts()
    {
        ProductMetrics.RecordLinkDeliveryAttempt(Channel.WhatsApp, LinkDeliveryOutcome.RateLimited);

        var line = await ScrapeLine("klmsocialpay_link_delivery_attempts_total", "channel=\"whatsapp\"", "outcome=\"rate-limited\"");
        Assert.True(SampleValue(line) >= 1, line);
    }

    [Fact]
    public async Task Metrics_PaymentAmount_IsIntegerMinorUnits()
    {
        // KWD has three decimals; no other test pays in it, so the counter contains exactly this amount.
        ProductMetrics.RecordPaymentReceived(new Money(123_457, "KWD"));

        var line = await ScrapeLine("klmsocialpay_payments_amount_total", "currency=\"KWD\"");
        Assert.Matches(@" 123457$", line);
    }

    [Fact]
    public async Task Metrics_NegativePayment_IsNotRecorded()
    {
        ProductMetrics.RecordPaymentReceived(new Money(-500, "BHD"));
        ProductMetrics.RecordPaymentReceived(new Money(700, "BHD"));

        var line = await ScrapeLine("klmsocialpay_payments_amount_total", "currency=\"BHD\"");
        Assert.Matches(@" 700$", line);
    }

    [Fact]
    public async Task Metrics_LinkToPaid_IsHistogramInSeconds()
    {
        ProductMetrics.RecordLinkToPaid(TimeSpan.FromMinutes(4));

        var bucket = await ScrapeLine("klmsocialpay_payments_link_to_paid_seconds_bucket", "le=\"300\"");
        Assert.True(SampleValue(bucket) >= 1, bucket);
        var largest = await ScrapeLine("klmsocialpay_payments_link_to_paid_seconds_bucket", "le=\"86400\"");
        Assert.True(SampleValue(largest) >= 1, largest);
    }

    private async Task<string> ScrapeLine(string metric, params string[] labels)
    {
        using var client = host.CreateBasicClient();
        return await PrometheusScrape.Line(client, metric, labels);
    }

    private static double SampleValue(string line) =>
        double.Parse(Regex.Match(line, @" (\S+)$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
}
