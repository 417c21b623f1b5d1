using System.Security.Cryptography;

namespace KlmSocialPay.Sandbox;

/// <summary>Random identifiers in the formats of the simulated platforms.</summary>
internal static class SandboxIds
{
    private const string Alphanumerics = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix, int randomLength) =>
        prefix + new string(RandomNumberGenerator.GetItems<char>(Alphanumerics, randomLength));

    public static string CheckoutSession() => New("cs_test_", 58);

    public static string Event() => New("evt_", 24);

    public static string PaymentIntent() => New("pi_", 24);

    public static string Request() => New("req_", 14);

    public static string MessengerMessage() => New("m_", 54);

    public static string FacebookTrace() => New("A", 22);
}
