using KlmSocialPay.Grains.Conversations;
using KlmSocialPay.Grains.Orders;

namespace KlmSocialPay.Grains.Ports;

/// <summary>A request for a hosted payment page for one order.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckoutSessionRequest(
    [property: Id(0)] string OrderId,
    [property: Id(1)] ConversationKey Conversation,
    [property: Id(2)] string BookingReference,
    [property: Id(3)] IReadOnlyList<LineItem> Items,
    [property: Id(4)] string Currency,
    [property: Id(5)] string Language,
    [property: Id(6)] DateTimeOffset ExpiresAt,
    [property: Id(7)] string IdempotencyKey);

/// <summary>A hosted payment page the provider created.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckoutSession(
    [property: Id(0)] string Id,
    [property: Id(1)] string Url,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] IReadOnlyList<string> PaymentMethodTypes);

/// <summary>A refund of part or all of a payment, in ISO minor units of the payment's currency.</summary>
[GenerateSerializer, Immutable]
public sealed record RefundRequest(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string PaymentIntentId,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Currency,
    [property: Id(4)] string IdempotencyKey);

/// <summary>A refund the provider created; its final status comes by webhook.</summary>
[GenerateSerializer, Immutable]
public sealed record CreatedRefund([property: Id(0)] string Id, [property: Id(1)] string Status);

/// <summary>
/// The payment service provider, seen from the domain. The Stripe implementation lives at the API's edge,
/// so no grain depends on a Stripe type.
/// </summary>
public interface ICheckoutProvider
{
    Task<CheckoutSession> CreateSession(CheckoutSessionRequest request, CancellationToken cancellationToken);

    /// <summary>Expires an open session so it can no longer be paid. An already expired session is not an error.</summary>
    Task ExpireSession(string checkoutSessionId, CancellationToken cancellationToken);

    Task<CreatedRefund> CreateRefund(RefundRequest request, CancellationToken cancellationToken);

    /// <summary>Lists the sessions created in [<paramref name="from"/>, <paramref name="to"/>), all pages.</summary>
    Task<IReadOnlyList<Reconciliation.ProviderSession>> ListSessions(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>Raised when the payment provider rejects or fails a request. The API returns 502.</summary>
[GenerateSerializer]
public sealed class PaymentProviderException : Exception
{
    public PaymentProviderException(string code, string detail)
        : base($"The payment provider failed: {detail}")
    {
        Code = code;
        Detail = detail;
    }

    [Id(0)] public string Code { get; init; }

    [Id(1)] public string Detail { get; init; }
}
