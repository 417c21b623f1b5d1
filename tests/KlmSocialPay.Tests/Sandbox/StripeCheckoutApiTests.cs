using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Stripe;
using Stripe.Checkout;

namespace KlmSocialPay.Tests.Sandbox;

/// <summary>The Checkout Session API of the Stripe stand-in, called by the real Stripe.net 53.1.0 client or raw HTTP.</summary>
public sealed class StripeCheckoutApiTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private SandboxTestHost Host => fixture.Host;

    [Fact]
    public async Task CreateSession_WithStripeNet_ReturnsOpenSession()
    {
        var options = StripeTestData.Options();

        var session = await StripeTestData.CreateSessionAsync(Host, options);

        Assert.Matches("^cs_test_[0-9A-Za-z]{58}$", session.Id);
        Assert.Equal("open", session.Status);
        Assert.Equal("unpaid", session.PaymentStatus);
        Assert.Equal($"{SandboxTestHost.PublicBaseUrl}/sandbox/stripe/pay/{session.Id}", session.Url);
        Assert.Equal(3000, session.AmountTotal);
        Assert.Equal(3000, session.AmountSubtotal);
        Assert.Equal("eur", session.Currency);
        Assert.Equal(["card", "ideal"], session.PaymentMethodTypes);
        Assert.Equal(["card", "ideal"], session.AllowedPaymentMethodTypes);
        Assert.Equal("fbm:conv_7f3c2a91", session.ClientReferenceId);
        Assert.Equal("ord_000123", session.Metadata["order_id"]);
        Assert.Equal("nl", session.Locale);
        Assert.Equal(new DateTimeOffset(options.ExpiresAt!.Value).ToUnixTimeSeconds(), new DateTimeOffset(session.ExpiresAt).ToUnixTimeSeconds());
        Assert.Null(session.PaymentIntentId);
        Assert.False(session.Livemode);
    }

    [Fact]
    public async Task CreateSession_EchoesRequestIdAndVersion()
    {
        var session = await StripeTestData.CreateSessionAsync(Host);

        Assert.Matches("^req_[0-9A-Za-z]{14}$", session.StripeResponse.RequestId);
        Assert.Equal("2026-10-28.endive", session.StripeResponse.Headers.GetValues("Stripe-Version").Single());
    }

    [Fact]
    public async Task RetrieveSession_ReturnsCreatedSession()
    {
        var created = await StripeTestData.CreateSessionAsync(Host);

        var retrieved = await new SessionService(Host.CreateStripeClient()).GetAsync(created.Id);

        Assert.Equal(created.Id, retrieved.Id);
        Assert.Equal("open", retrieved.Status);
        Assert.Equal(created.Url, retrieved.Url);
    }

    [Fact]
    public async Task RetrieveSession_Unknown_IsResourceMissing()
    {
        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            new SessionService(Host.CreateStripeClient()).GetAsync("cs_test_doesnotexist"));

        Assert.Equal(HttpStatusCode.NotFound, exception.HttpStatusCode);
        Assert.Equal("resource_missing", exception.StripeError.Code);
        Assert.Equal("invalid_request_error", exception.StripeError.Type);
    }

    [Fact]
    public async Task CreateSession_WrongApiKey_IsUnauthorized()
    {
        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            new SessionService(Host.CreateStripeClient("sk_test_wrong")).CreateAsync(StripeTestData.Options()));

        Assert.Equal(HttpStatusCode.Unauthorized, exception.HttpStatusCode);
        Assert.Equal("invalid_request_error", exception.StripeError.Type);
        Assert.DoesNotContain("sk_test_wrong", exception.StripeError.Message);
    }

    [Fact]
    public async Task CreateSession_NoApiKey_IsUnauthorized()
    {
        var (status, body) = await PostFormAsync(ValidForm(), apiKey: null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("You did not provide an API key", body["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateSession_BasicAuth_IsAccepted()
    {
        using var client = Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sandbox/stripe/v1/checkout/sessions") { Content = new FormUrlEncodedContent(ValidForm()) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("sk_test_sandbox:"u8.ToArray()));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task IdempotencyKey_SameParameters_ReplaysSession()
    {
        var service = new SessionService(Host.CreateStripeClient());
        var options = StripeTestData.Options();
        var requestOptions = new RequestOptions { IdempotencyKey = "checkout-" + Guid.NewGuid() };

        var first = await service.CreateAsync(options, requestOptions);
        var second = await service.CreateAsync(options, requestOptions);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("true", second.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task IdempotencyKey_OtherParameters_IsIdempotencyError()
    {
        var service = new SessionService(Host.CreateStripeClient());
        var requestOptions = new RequestOptions { IdempotencyKey = "checkout-" + Guid.NewGuid() };
        await service.CreateAsync(StripeTestData.Options(unitAmount: 1500), requestOptions);

        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            service.CreateAsync(StripeTestData.Options(unitAmount: 2500), requestOptions));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Equal("idempotency_error", exception.StripeError.Type);
    }

    [Fact]
    public async Task IdempotencyKey_AfterValidationError_CanBeReused()
    {
        var service = new SessionService(Host.CreateStripeClient());
        var requestOptions = new RequestOptions { IdempotencyKey = "checkout-" + Guid.NewGuid() };
        var invalid = StripeTestData.Options();
        invalid.ExpiresAt = DateTime.UtcNow.AddMinutes(5);
        await Assert.ThrowsAsync<StripeException>(() => service.CreateAsync(invalid, requestOptions));

        var session = await service.CreateAsync(StripeTestData.Options(), requestOptions);

        Assert.Equal("open", session.Status);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(29)]
    [InlineData(24 * 60 + 5)]
    public async Task CreateSession_ExpiresAtOutOfRange_IsRejected(int minutesFromNow)
    {
        var options = StripeTestData.Options();
        options.ExpiresAt = DateTime.UtcNow.AddMinutes(minutesFromNow);

        var exception = await Assert.ThrowsAsync<StripeException>(() => StripeTestData.CreateSessionAsync(Host, options));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Equal("expires_at", exception.StripeError.Param);
        Assert.Equal("invalid_request_error", exception.StripeError.Type);
    }

    [Fact]
    public async Task CreateSession_NoExpiresAt_ExpiresIn24Hours()
    {
        var options = StripeTestData.Options();
        options.ExpiresAt = null;

        var session = await StripeTestData.CreateSessionAsync(Host, options);

        Assert.InRange(session.ExpiresAt - DateTime.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24.1));
    }

    [Fact]
    public async Task PaymentMethodTypes_IsRejected()
    {
        var form = ValidForm();
        form.Add(new("payment_method_types[0]", "card"));

        var (status, body) = await PostFormAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("payment_method_types_no_longer_supported", body["error"]!["code"]!.GetValue<string>());
        Assert.Equal("payment_method_types", body["error"]!["param"]!.GetValue<string>());
    }

    /// <summary>Each row sets one field of a valid form, or removes it when the value is null.</summary>
    [Theory]
    [InlineData("mode", null, "mode", "parameter_missing")]
    [InlineData("mode", "subscription", "mode", null)]
    [InlineData("mode", "donation", "mode", null)]
    [InlineData("line_items[0][price_data][unit_amount]", "-1", "line_items[0][price_data][unit_amount]", null)]
    [InlineData("line_items[0][price_data][unit_amount]", "12.50", "line_items[0][price_data][unit_amount]", "parameter_invalid_integer")]
    [InlineData("line_items[0][price_data][unit_amount]", "0", "line_items", "amount_too_small")]
    [InlineData("line_items[0][price_data][unit_amount]", "100000000", "line_items", "amount_too_large")]
    [InlineData("line_items[0][quantity]", "0", "line_items[0][quantity]", null)]
    [InlineData("line_items[0][quantity]", null, "line_items[0][quantity]", "parameter_missing")]
    [InlineData("line_items[0][price_data][product_data][name]", null, "line_items[0][price_data][product_data]", "parameter_missing")]
    [InlineData("line_items[0][price_data][currency]", "xyz", "line_items[0][price_data][currency]", null)]
    [InlineData("line_items[0][price]", "price_123", "line_items[0][price]", "resource_missing")]
    [InlineData("currency", "usd", "currency", null)]
    [InlineData("expires_at", "soon", "expires_at", "parameter_invalid_integer")]
    [InlineData("success_url", "not a url", "success_url", "url_invalid")]
    [InlineData("customer_email", "nobody", "customer_email", "email_invalid")]
    [InlineData("locale", "xx", "locale", null)]
    [InlineData("ui_mode", "embedded", "ui_mode", null)]
    [InlineData("allowed_payment_method_types[0]", "cheque", "allowed_payment_method_types[0]", null)]
    [InlineData("favourite_colour", "blue", "favourite_colour", "parameter_unknown")]
    [InlineData("automatic_tax[enabled]", "true", "automatic_tax", null)]
    [InlineData("metadata[a_key_that_is_far_longer_than_forty_characters]", "x", "metadata[a_key_that_is_far_longer_than_forty_characters]", null)]
    public async Task CreateSession_InvalidField_IsRejectedNamingParam(string name, string? value, string expectedParam, string? expectedCode)
    {
        var form = ValidForm();
        form.RemoveAll(pair => pair.Key == name);

        if (value is not null)
        {
            form.Add(new(name, value));
        }

        var (status, body) = await PostFormAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", body["error"]!["type"]!.GetValue<string>());
        Assert.Equal(expectedParam, body["error"]!["param"]?.GetValue<string>());
        Assert.Equal(expectedCode, body["error"]!["code"]?.GetValue<string>());
    }

    [Fact]
    public async Task CreateSession_MetadataValueTooLong_IsRejected()
    {
        var form = ValidForm();
        form.Add(new("metadata[note]", new string('x', 501)));

        var (status, body) = await PostFormAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("metadata[note]", body["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateSession_FiftyOneMetadataKeys_IsRejected()
    {
        var form = ValidForm();
        form.AddRange(Enumerable.Range(0, 51).Select(index => new KeyValuePair<string, string>($"metadata[key{index}]", "x")));

        var (status, body) = await PostFormAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("metadata", body["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientReferenceIdTooLong_IsRejected()
    {
        var options = StripeTestData.Options();
        options.ClientReferenceId = new string('c', 201);

        var exception = await Assert.ThrowsAsync<StripeException>(() => StripeTestData.CreateSessionAsync(Host, options));

        Assert.Equal("client_reference_id", exception.StripeError.Param);
    }

    [Fact]
    public async Task ThreeDecimalOddAmount_IsRejected()
    {
        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            StripeTestData.CreateSessionAsync(Host, StripeTestData.Options(currency: "kwd", unitAmount: 1505, allowedTypes: "card")));

        Assert.Equal("line_items[0][price_data][unit_amount]", exception.StripeError.Param);
    }

    [Fact]
    public async Task CreateSession_IdealInUsd_IsFilteredOut()
    {
        var session = await StripeTestData.CreateSessionAsync(Host, StripeTestData.Options(currency: "usd", allowedTypes: ["card", "ideal"]));

        Assert.Equal(["card"], session.PaymentMethodTypes);
        Assert.Equal(["card", "ideal"], session.AllowedPaymentMethodTypes);
    }

    [Fact]
    public async Task CreateSession_OnlyIdealInUsd_IsRejected()
    {
        var exception = await Assert.ThrowsAsync<StripeException>(() =>
            StripeTestData.CreateSessionAsync(Host, StripeTestData.Options(currency: "usd", allowedTypes: "ideal")));

        Assert.Equal("allowed_payment_method_types", exception.StripeError.Param);
    }

    [Fact]
    public async Task ExpireSession_Open_ReturnsExpiredSession()
    {
        var service = new SessionService(Host.CreateStripeClient());
        var created = await service.CreateAsync(StripeTestData.Options());

        var expired = await service.ExpireAsync(created.Id);

        Assert.Equal("expired", expired.Status);
        Assert.Null(expired.Url);
        Assert.Equal("expired", (await service.GetAsync(created.Id)).Status);
    }

    [Fact]
    public async Task ExpireSession_Open_EmitsSignedExpiredEvent()
    {
        var service = new SessionService(Host.CreateStripeClient());
        var created = await service.CreateAsync(StripeTestData.Options());
        await service.ExpireAsync(created.Id, requestOptions: new RequestOptions { IdempotencyKey = "expire-" + created.Id });

        var webhook = await StripeTestData.WaitForEventAsync(fixture.Receiver, created.Id, "checkout.session.expired");
        var stripeEvent = StripeTestData.ConstructEvent(webhook);

        Assert.Equal("expired", Assert.IsType<Session>(stripeEvent.Data.Object).Status);
        Assert.Equal("expire-" + created.Id, stripeEvent.Request.IdempotencyKey);
        Assert.StartsWith("req_", stripeEvent.Request.Id);
    }

    [Fact]
    public async Task ExpireSession_AlreadyExpired_IsRejected()
    {
        var service = new SessionService(Host.CreateStripeClient());
        var created = await service.CreateAsync(StripeTestData.Options());
        await service.ExpireAsync(created.Id);

        var exception = await Assert.ThrowsAsync<StripeException>(() => service.ExpireAsync(created.Id));

        Assert.Equal(HttpStatusCode.BadRequest, exception.HttpStatusCode);
        Assert.Contains("status of `expired`", exception.StripeError.Message);
    }

    [Fact]
    public async Task ListEvents_ByType_ReturnsNewestFirst()
    {
        var sessions = new SessionService(Host.CreateStripeClient());
        var first = await sessions.CreateAsync(StripeTestData.Options());
        var second = await sessions.CreateAsync(StripeTestData.Options());
        await sessions.ExpireAsync(first.Id);
        await sessions.ExpireAsync(second.Id);

        var events = await new EventService(Host.CreateStripeClient()).ListAsync(new EventListOptions { Type = "checkout.session.expired", Limit = 2 });

        Assert.Equal(2, events.Data.Count);
        Assert.Equal(second.Id, Assert.IsType<Session>(events.Data[0].Data.Object).Id);
        Assert.Equal(first.Id, Assert.IsType<Session>(events.Data[1].Data.Object).Id);
        Assert.All(events.Data, stripeEvent => Assert.Equal("checkout.session.expired", stripeEvent.Type));
    }

    [Fact]
    public async Task ListEvents_StartingAfter_ContinuesThePage()
    {
        var sessions = new SessionService(Host.CreateStripeClient());
        var events = new EventService(Host.CreateStripeClient());

        for (var index = 0; index < 3; index++)
        {
            await sessions.ExpireAsync((await sessions.CreateAsync(StripeTestData.Options())).Id);
        }

        var firstPage = await events.ListAsync(new EventListOptions { Type = "checkout.session.*", Limit = 2 });
        var secondPage = await events.ListAsync(new EventListOptions { Type = "checkout.session.*", Limit = 1, StartingAfter = firstPage.Data[1].Id });

        Assert.True(firstPage.HasMore);
        Assert.DoesNotContain(secondPage.Data[0].Id, firstPage.Data.Select(stripeEvent => stripeEvent.Id));
    }

    [Fact]
    public async Task RetrieveEvent_ReturnsEnvelope()
    {
        var sessions = new SessionService(Host.CreateStripeClient());
        var created = await sessions.CreateAsync(StripeTestData.Options());
        await sessions.ExpireAsync(created.Id);
        var listed = await new EventService(Host.CreateStripeClient()).ListAsync(new EventListOptions { Type = "checkout.session.expired", Limit = 1 });

        var retrieved = await new EventService(Host.CreateStripeClient()).GetAsync(listed.Data[0].Id);

        Assert.Equal(listed.Data[0].Id, retrieved.Id);
        Assert.Equal("2026-10-28.endive", retrieved.ApiVersion);
        Assert.False(retrieved.Livemode);
    }

    [Fact]
    public async Task UnknownPath_IsNotFoundInStripeShape()
    {
        using var client = Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SandboxTestHost.SecretKey);

        using var response = await client.GetAsync("/sandbox/stripe/v1/customers");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("invalid_request_error", body["error"]!["type"]!.GetValue<string>());
    }

    /// <summary>A valid create form, written the way Stripe.net encodes it.</summary>
    private static List<KeyValuePair<string, string>> ValidForm() =>
    [
        new("mode", "payment"),
        new("currency", "eur"),
        new("allowed_payment_method_types[0]", "card"),
        new("line_items[0][price_data][currency]", "eur"),
        new("line_items[0][price_data][product_data][name]", "Seat 12A"),
        new("line_items[0][price_data][unit_amount]", "1500"),
        new("line_items[0][quantity]", "1"),
        new("metadata[order_id]", "ord_000123"),
        new("expires_at", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        new("success_url", "https://shop.example.test/pay/success"),
    ];

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostFormAsync(List<KeyValuePair<string, string>> form, string? apiKey = SandboxTestHost.SecretKey)
    {
        using var client = Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sandbox/stripe/v1/checkout/sessions") { Content = new FormUrlEncodedContent(form) };

        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
