using System.Diagnostics.CodeAnalysis;

namespace KlmSocialPay.Grains.Conversations;

/// <summary>The messaging platform a conversation runs on.</summary>
public enum Channel
{
    Messenger,
    X,
    WhatsApp,
}

/// <summary>
/// The identity of one customer on one channel, written <c>{channel}:{customerId}</c>
/// (<c>messenger:7000000000000001</c>): the key of the conversation grain. The customer id is the
/// platform's own id for the customer: a Page-scoped ID (PSID) on Messenger, a user id on X, a wa_id on WhatsApp.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ConversationKey([property: Id(0)] Channel Channel, [property: Id(1)] string CustomerId)
{
    /// <summary>Maximum customer id length; platform ids are at most 20 digits today.</summary>
    public const int MaxCustomerIdLength = 64;

    public static string ChannelName(Channel channel) => channel switch
    {
        Channel.Messenger => "messenger",
        Channel.X => "x",
        Channel.WhatsApp => "whatsapp",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Unknown channel."),
    };

    public static bool TryParseChannel(string? name, out Channel channel)
    {
        switch (name)
        {
            case "messenger":
                channel = Channel.Messenger;
                return true;
            case "x":
                channel = Channel.X;
                return true;
            case "whatsapp":
                channel = Channel.WhatsApp;
                return true;
            default:
                channel = default;
                return false;
        }
    }

    /// <summary>Returns whether a customer id is usable: 1 to 64 ASCII letters, digits, '-' or '_'.</summary>
    public static bool IsValidCustomerId([NotNullWhen(true)] string? customerId) =>
        !string.IsNullOrEmpty(customerId)
        && customerId.Length <= MaxCustomerIdLength
        && customerId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static ConversationKey Parse(string value)
    {
        var separator = value.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0
            || !TryParseChannel(value[..separator], out var channel)
            || !IsValidCustomerId(value[(separator + 1)..]))
        {
            throw new FormatException($"'{value}' is not a conversation key of the form channel:customerId.");
        }

        return new ConversationKey(channel, value[(separator + 1)..]);
    }

    public override string ToString() => $"{ChannelName(Channel)}:{CustomerId}";
}
