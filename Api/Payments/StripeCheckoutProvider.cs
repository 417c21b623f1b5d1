using Stripe;
using KlmSocialPay.Grains.Reconciliation;
using Stripe.Checkout;

namespace KlmSocialPay.Api.Payments;

/// <summary>
/// Creates and expires Stripe Checkout Sessions through Stripe.net. This is the only place that maps the
/// domain's checkout request to Stripe's options, so grains never see a Stripe type.
/// </summary>
public sealed class StripeCheckoutProvider(
    IStripeClient stripe,
    IOptions<StripeOptions> options,
    ILogger<StripeCheckoutProvider> logger) : ICheckoutProvider
{
    /// <summary>Languages the hosted page can show, as Stripe names them.</summary>
    private static readonly HashSet<string> StripeLocales = ["en", "nl", "fr", "de", "es", "it", "pt"];

    public async Task<CheckoutSession> CreateSession(CheckoutSessionRequest request, CancellationToken cancellationToken)
    {
        var currency = request.Currency.ToLowerInvariant();
        var createOptions = new SessionCreateOptions
        {
            Mode = "payment",
            Currency = currency,
            AllowedPaymentMethodTypes = [.. options.Value.PaymentMethodTypes],
            LineItems = [.. request.Items.Select(item => new SessionLineItemOptions
            {
                Quantity = 1,
                PriceData = new SessionLineItemPriceDataOptions
                {
                    Currency = currency,
                    UnitAmount = StripeAmounts.ToStripe(request.Currency, item.Amount),
                    ProductData = new SessionLineItemPriceDataProductDataOptions
                    {
                        // The agent's description is in the customer's language already; the kind is not.
                        Name = $"{request.BookingReference}: {item.Description}",
                    },
                },
            })],
            ClientReferenceId = request.OrderId,
            Metadata = new Dictionary<string, string>
            {
                ["order_id"] = request.OrderId,
                ["conversation_id"] = request.Conversation.ToString(),
                ["channel"] = ConversationKey.ChannelName(request.Conversation.Channel),
                ["booking_reference"] = request.BookingReference,
            },
            // Stripe does not copy session metadata to the PaymentIntent, so the order id goes there too.
            PaymentIntentData = new SessionPaymentIntentDataOptions
            {
                Metadata = new Dictionary<string, string> { ["order_id"] = request.OrderId },
            },
            ExpiresAt = request.ExpiresAt.UtcDateTime,
            SuccessUrl = options.Value.SuccessUrl,
            CancelUrl = options.Value.CancelUrl,
            Locale = StripeLocales.Contains(request.Language) ? request.Language : "auto",
        };

        Session session;
        try
        {
            session = await new SessionService(stripe).CreateAsync(
                createOptions, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, cancellationToken);
        }
        catch (StripeException ex)
        {
            logger.LogError(
                "Stripe rejected the Checkout Session for order {OrderId}: {StripeErrorType} {StripeErrorCode} (HTTP {StatusCode})",
                request.OrderId, ex.StripeError?.Type, ex.StripeError?.Code, (int)ex.HttpStatusCode);
            throw new PaymentProviderException(ex.StripeError?.Code ?? "stripe_error", ex.StripeError?.Message ?? ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogError(ex, "Stripe could not be reached to create a Checkout Session for order {OrderId}", request.OrderId);
            throw new PaymentProviderException("unreachable", "The payment provider could not be reached; try again.");
        }

        logger.LogInformation(
            "Stripe created Checkout Session {CheckoutSessionId} for order {OrderId} with methods {PaymentMethodTypes}",
            session.Id, request.OrderId, session.PaymentMethodTypes);
        return new CheckoutSession(session.Id, session.Url, new DateTimeOffset(session.ExpiresAt, TimeSpan.Zero), [.. session.PaymentMethodTypes ?? []]);
    }

    public async Task<CreatedRefund> CreateRefund(RefundRequest request, CancellationToken cancellationToken)
    {
        var createOptions = new RefundCreateOptions
        {
            PaymentIntent = request.PaymentIntentId,
            Amount = StripeAmounts.ToStripe(request.Currency, request.Amount),
            Metadata = new Dictionary<string, string> { ["order_id"] = request.OrderId },
        };

        try
        {
            var refund = await new RefundService(stripe).CreateAsync(
                createOptions, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, cancellationToken);
            logger.LogInformation("Stripe created refund {RefundId} for order {OrderId}, status {RefundStatus}", refund.Id, request.OrderId, refund.Status);
            return new CreatedRefund(refund.Id, refund.Status);
        }
        catch (StripeException ex)
        {
            logger.LogError(
                "Stripe rejected the refund for order {OrderId}: {StripeErrorType} {StripeErrorCode} (HTTP {StatusCode})",
                request.OrderId, ex.StripeError?.Type, ex.StripeError?.Code, (int)ex.HttpStatusCode);
            throw new PaymentProviderException(ex.StripeError?.Code ?? "stripe_error", ex.StripeError?.Message ?? ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogError(ex, "Stripe could not be reached to refund order {OrderId}", request.OrderId);
            throw new PaymentProviderException("unreachable", "The payment provider could not be reached; try again.");
        }
    }

    public async Task<IReadOnlyList<ProviderSession>> ListSessions(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var listOptions = new SessionListOptions
        {
            Limit = 100,
            Created = new DateRangeOptions { GreaterThanOrEqual = from.UtcDateTime, LessThan = to.UtcDateTime },
        };

        var sessions = new List<ProviderSession>();
        try
        {
            await foreach (var session in new SessionService(stripe).ListAutoPagingAsync(listOptions, cancellationToken: cancellationToken))
            {
                var currency = session.Currency?.ToUpperInvariant();
                sessions.Add(new ProviderSession(
                    session.Id,
                    session.Metadata?.GetValueOrDefault("order_id") ?? session.ClientReferenceId,
                    session.Status ?? "",
                    session.PaymentStatus ?? "",
                    StripeAmounts.FromStripe(currency, session.AmountTotal),
                    currency,
                    new DateTimeOffset(session.Created, TimeSpan.Zero)));
            }
        }
        catch (StripeException ex)
        {
            throw new PaymentProviderException(ex.StripeError?.Code ?? "stripe_error", ex.StripeError?.Message ?? ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogError(ex, "Stripe could not be reached to list Checkout Sessions");
            throw new PaymentProviderException("unreachable", "The payment provider could not be reached; try again.");
        }

        return sessions;
    }

    public async Task ExpireSession(string checkoutSessionId, CancellationToken cancellationToken)
    {
        try
        {
            await new SessionService(stripe).ExpireAsync(checkoutSessionId, cancellationToken: cancellationToken);
        }
        catch (StripeException ex) when (ex.StripeError?.Type == "invalid_request_error" && (int)ex.HttpStatusCode == 400)
        {
            // Stripe returns 400 for a session that is no longer open (already expired or complete).
            // A complete session still sends its payment event, which the order records.
            logger.LogInformation(
                "Checkout Session {CheckoutSessionId} was not open when asked to expire: {StripeErrorCode}",
                checkoutSessionId, ex.StripeError.Code);
        }
        catch (StripeException ex)
        {
            throw new PaymentProviderException(ex.StripeError?.Code ?? "stripe_error", ex.StripeError?.Message ?? ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogError(ex, "Stripe could not be reached to expire Checkout Session {CheckoutSessionId}", checkoutSessionId);
            throw new PaymentProviderException("unreachable", "The payment provider could not be reached; try again.");
        }
    }
}
