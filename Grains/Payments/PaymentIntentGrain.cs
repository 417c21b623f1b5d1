namespace KlmSocialPay.Grains.Payments;

/// <summary>The stored state of a PaymentIntent index entry.</summary>
[GenerateSerializer]
public sealed class PaymentIntentState
{
    [Id(0)] public string? OrderId { get; set; }
}

/// <inheritdoc cref="IPaymentIntentGrain"/>
public sealed class PaymentIntentGrain(
    [PersistentState("paymentIntent", StorageNames.Grains)] IPersistentState<PaymentIntentState> paymentIntent) : Grain, IPaymentIntentGrain
{
    public async Task Register(string orderId)
    {
        if (paymentIntent.State.OrderId == orderId)
        {
            return;
        }

        paymentIntent.State.OrderId = orderId;
        await paymentIntent.WriteStateAsync();
    }

    public Task<string?> GetOrderId() => Task.FromResult(paymentIntent.State.OrderId);
}
