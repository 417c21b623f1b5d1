using System.Net;
using KlmSocialPay.Sandbox.Stripe;
using Stripe.Checkout;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>The hosted checkout page as a browser shows it, and its form posts.</summary>
public sealed class HostedCheckoutPageTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxTestHost Host => fixture.Host;

    [Theory]
    [InlineData(1500, "eur", "15.00 EUR")]
    [InlineData(5, "eur", "0.05 EUR")]
    [InlineData(0, "usd", "0.00 USD")]
    [InlineData(-250, "usd", "-2.50 USD")]
    [InlineData(1500, "jpy", "1500 JPY")]
    [InlineData(1500, "kwd", "1.500 KWD")]
    [InlineData(20, "bhd", "0.020 BHD")]
    [InlineData(99_999_999, "eur", "999999.99 EUR")]
    [InlineData(long.MaxValue, "eur", "92233720368547758.07 EUR")]
    [InlineData(long.MinValue, "eur", "-92233720368547758.08 EUR")]
    public void FormatAmount_UsesCurrencyExponent(long amount, string currency, string expected)
    {
        Assert.Equal(expected, StripeCurrencies.Format(amount, currency));
    }

    [Fact]
    public async Task Page_OpenSession_ShowsOrderAndMethods()
    {
        var session = await StripeTestData.CreateSessionAsync(Host);
        using var client = Host.CreateClient();

        var html = await client.GetStringAsync($"/sandbox/stripe/pay/{session.Id}");

        Assert.Contains("Seat 12A, KL1234 AMS-JFK", html);
        Assert.Contains("<th class=\"amount\" id=\"total\">30.00 EUR</th>", html);
        Assert.Contains("value=\"card\"", html);
        Assert.Contains("value=\"ideal\"", html);
        Assert.DoesNotContain("value=\"sepa_debit\"", html);
    }

    [Theory]
    [InlineData("jpy", 4500L, "4500 JPY")]
    [InlineData("kwd", 4500L, "4.500 KWD")]
    public async Task Page_ZeroAndThreeDecimalCurrency_ShowsTotal(string currency, long unitAmount, string expectedTotal)
    {
        var session = await StripeTestData.CreateSessionAsync(Host, StripeTestData.Options(currency: currency, unitAmount: unitAmount, quantity: 1, allowedTypes: "card"));
        using var client = Host.CreateClient();

        var html = await client.GetStringAsync($"/sandbox/stripe/pay/{session.Id}");

        Assert.Contains($"id=\"total\">{expectedTotal}</th>", html);
    }

    [Fact]
    public async Task Page_LoadsNoExternalAssets()
    {
        var session = await StripeTestData.CreateSessionAsync(Host);
        using var client = Host.CreateClient();

        var html = await client.GetStringAsync($"/sandbox/stripe/pay/{session.Id}");

        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("<img", html);
    }

    [Fact]
    public async Task Page_HtmlInProductName_IsEncoded()
    {
        var options = StripeTestData.Options();
        options.LineItems[0].PriceData.ProductData.Name = "<script>alert(1)</script>";
        var session = await StripeTestData.CreateSessionAsync(Host, options);
        using var client = Host.CreateClient();

        var html = await client.GetStringAsync($"/sandbox/stripe/pay/{session.Id}");

        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Fact]
    public async Task FormPay_RedirectsToSuccessUrl()
    {
        var session = await StripeTestData.CreateSessionAsync(Host);
        using var client = Host.CreateClient(followRedirects: false);

        using var response = await client.PostAsync($"/sandbox/stripe/pay/{session.Id}", Form(("method", "card"), ("action", "pay")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"https://shop.example.test/pay/success?session_id={session.Id}", response.Headers.Location!.ToString());
        Assert.Equal("complete", (await new SessionService(Host.CreateStripeClient()).GetAsync(session.Id)).Status);
    }

    [Fact]
    public async Task FormCancel_KeepsSessionOpen()
    {
        var session = await StripeTestData.CreateSessionAsync(Host);
        using var client = Host.CreateClient(followRedirects: false);

        using var response = await client.PostAsync($"/sandbox/stripe/pay/{session.Id}", Form(("method", "card"), ("action", "cancel")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("https://shop.example.test/pay/cancel", response.Headers.Location!.ToString());
        Assert.Equal("open", (await new SessionService(Host.CreateStripeClient()).GetAsync(session.Id)).Status);
    }

    [Fact]
    public async Task Page_ExpiredSession_SaysExpiredWithoutPayButton()
    {
        var service = new SessionService(Host.CreateStripeClient());
        var session = await service.CreateAsync(StripeTestData.Options());
        await service.ExpireAsync(session.Id);
        using var client = Host.CreateClient();

        var html = await client.GetStringAsync($"/sandbox/stripe/pay/{session.Id}");

        Assert.Contains("has expired", html);
        Assert.DoesNotContain("value=\"pay\"", html);
    }

    [Fact]
    public async Task FormPay_ExpiredSession_IsConflict()
    {
        var service = new SessionService(Host.CreateStripeClient());
        var session = await service.CreateAsync(StripeTestData.Options());
        await service.ExpireAsync(session.Id);
        using var client = Host.CreateClient(followRedirects: false);

        using var response = await client.PostAsync($"/sandbox/stripe/pay/{session.Id}", Form(("method", "card"), ("action", "pay")));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("has expired", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Page_PaidSession_SaysCompleteWithoutPayButton()
    {
        var session = await StripeTestData.CreateSessionAsync(Host);
        using var pay = await StripeTestData.PayAsync(Host, session.Id, "ideal");
        using var client = Host.CreateClient();

        var html = await client.GetStringAsync($"/sandbox/stripe/pay/{session.Id}");

        Assert.Contains("Paid 30.00 EUR with iDEAL", html);
        Assert.DoesNotContain("value=\"pay\"", html);
    }

    [Fact]
    public async Task Page_ProcessingSepaDebit_OffersSettleAndFail()
    {
        var session = await StripeTestData.CreateSessionAsync(Host, StripeTestData.Options(allowedTypes: "sepa_debit"));
        using var pay = await StripeTestData.PayAsync(Host, session.Id, "sepa_debit");
        using var client = Host.CreateClient();

        var html = await client.GetStringAsync($"/sandbox/stripe/pay/{session.Id}");

        Assert.Contains("value=\"settle\"", html);
        Assert.Contains("value=\"fail\"", html);
    }

    [Fact]
    public async Task Page_UnknownSession_IsNotFound()
    {
        using var client = Host.CreateClient();

        using var response = await client.GetAsync("/sandbox/stripe/pay/cs_test_unknown");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task IndexPage_LinksToSessionPage()
    {
        var session = await StripeTestData.CreateSessionAsync(Host);
        using var client = Host.CreateClient();

        var html = await client.GetStringAsync("/sandbox");

        Assert.Contains($"href=\"/sandbox/stripe/pay/{session.Id}\"", html);
        Assert.Contains("href=\"/sandbox/messenger\"", html);
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(field => new KeyValuePair<string, string>(field.Name, field.Value)));
}
