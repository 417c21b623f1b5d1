using System.Threading.Channels;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>Events waiting for <see cref="WebhookDeliveryWorker"/>. Unbounded, so emitting an event never waits.</summary>
internal sealed class WebhookDeliveryQueue
{
    private readonly Channel<StripeEventRecord> channel = Channel.CreateUnbounded<StripeEventRecord>(
        new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<StripeEventRecord> Reader => channel.Reader;

    public void Enqueue(StripeEventRecord record) => channel.Writer.TryWrite(record);
}
