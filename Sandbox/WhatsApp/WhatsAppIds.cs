using System.Security.Cryptography;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>Random ids in the Cloud API's formats.</summary>
internal static class WhatsAppIds
{
    /// <summary>
    /// A message id: <c>wamid.</c> and base64 text, as Meta's ids look. Base64 may contain '+', '/' and '=',
    /// so receivers meet the escaped '/' of Meta's JSON in these ids too.
    /// </summary>
    public static string Message() => "wamid.HBgL" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(36));
}
