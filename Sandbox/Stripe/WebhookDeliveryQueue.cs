using System.Threading.Channels;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>Events waiting for <see cref="WebhookDeliveryWorker"/>. The channel is unbounded, so writing to it never blocks the caller.</summary>
internal sealed class WebhookDeliveryQueue
{
    private readonly Channel<StripeEventRecord> channel = Channel.CreateUnbounded<StripeEventRecord>(
        new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<StripeEventRecord> Reader => channel.Reader;

    public void Enqueue(StripeEventRecord record) => channel.Writer.TryWrite(record);
}
