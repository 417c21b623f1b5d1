using Microsoft.Extensions.Options;

namespace KlmSocialPay.Grains.PaymentLinks;

/// <summary>The stored state of a payment link grain.</summary>
[GenerateSerializer]
public sealed class PaymentLinkState
{
    [Id(0)] public string? OrderId { get; set; }
    [Id(1)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(2)] public bool Closed { get; set; }
}

/// <summary>
/// One Checkout Session. It routes provider events to its order and holds a reminder that expires the
/// order's link if the provider's own expiry event has not come by the deadline plus a grace period.
/// </summary>
public sealed class PaymentLinkGrain(
    [PersistentState("paymentLink", StorageNames.Grains)] IPersistentState<PaymentLinkState> link,
    IOptions<PaymentLinkOptions> options,
    TimeProvider clock,
    ILogger<PaymentLinkGrain> logger) : Grain, IPaymentLinkGrain, IRemindable
{
    private const string ExpiryReminder = "expiry";

    /// <summary>If the order cannot be reached when the reminder fires, the reminder fires again after this period.</summary>
    private static readonly TimeSpan ExpiryRetryPeriod = TimeSpan.FromMinutes(5);

    private string CheckoutSessionId => this.GetPrimaryKeyString();

    public async Task Register(PaymentLinkRegistration registration)
    {
        if (link.State.OrderId is { } existing && existing != registration.OrderId)
        {
            throw new InvalidOperationException(
                $"Checkout Session {CheckoutSessionId} already belongs to order {existing}.");
        }

        link.State.OrderId = registration.OrderId;
        link.State.ExpiresAt = registration.ExpiresAt;
        await link.WriteStateAsync();

        var due = registration.ExpiresAt + options.Value.ExpiryGrace - clock.GetUtcNow();
        await this.RegisterOrUpdateReminder(ExpiryReminder, due > TimeSpan.Zero ? due : TimeSpan.FromSeconds(1), ExpiryRetryPeriod);
        logger.LogInformation(
            "Payment link {CheckoutSessionId} registered for order {OrderId}, expiry check at {ExpiryCheckAt}",
            CheckoutSessionId, registration.OrderId, registration.ExpiresAt + options.Value.ExpiryGrace);
    }

    public Task<string?> GetOrderId() => Task.FromResult(link.State.OrderId);

    public async Task<EventOutcome> ApplyCheckoutEvent(CheckoutSessionEvent checkoutEvent)
    {
        if (link.State.OrderId is not { } orderId)
        {
            return EventOutcome.NotFound;
        }

        var outcome = await GrainFactory.GetGrain<IOrderGrain>(orderId).ApplyCheckoutEvent(checkoutEvent);
        if (checkoutEvent.Kind is not CheckoutEventKind.Completed || checkoutEvent.IsPaid)
        {
            // Paid, failed or expired: the provider has finished with this session.
            await Close();
        }

        return outcome;
    }

    public async Task Close()
    {
        if (!link.State.Closed)
        {
            link.State.Closed = true;
            await link.WriteStateAsync();
        }

        var reminder = await this.GetReminder(ExpiryReminder);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder)
        {
            return;
        }

        if (link.State is { Closed: false, OrderId: { } orderId })
        {
            logger.LogInformation("Expiry reminder of payment link {CheckoutSessionId} fired for order {OrderId}", CheckoutSessionId, orderId);
            await GrainFactory.GetGrain<IOrderGrain>(orderId).ExpireLinkAfterDeadline(CheckoutSessionId);
        }

        await Close();
    }
}
