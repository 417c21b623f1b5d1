using System.Collections.Frozen;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>Payment method types: the values Stripe accepts, and the few the sandbox can simulate.</summary>
internal static class StripePaymentMethods
{
    public const string Card = "card";
    public const string Ideal = "ideal";
    public const string SepaDebit = "sepa_debit";

    /// <summary>Every value of <c>allowed_payment_method_types</c> in the Stripe.net 53.1.0 documentation.</summary>
    private static readonly FrozenSet<string> StripeTypes = FrozenSet.ToFrozenSet(
    [
        "acss_debit", "affirm", "afterpay_clearpay", "alipay", "alma", "amazon_pay", "au_becs_debit", "bacs_debit",
        "bancontact", "billie", "bizum", "blik", "boleto", "card", "cashapp", "crypto", "customer_balance", "eps",
        "fpx", "giropay", "grabpay", "ideal", "kakao_pay", "klarna", "konbini", "kr_card", "link", "mb_way",
        "mobilepay", "multibanco", "naver_pay", "nz_bank_account", "oxxo", "p24", "pay_by_bank", "payco", "paynow",
        "paypal", "paypay", "payto", "pix", "promptpay", "revolut_pay", "samsung_pay", "satispay", "scalapay",
        "sepa_debit", "sequra", "sofort", "sunbit", "swish", "twint", "upi", "us_bank_account", "wechat_pay", "zip",
    ]);

    /// <summary>The types the simulated account has enabled, in the order the checkout page shows them.</summary>
    private static readonly string[] SimulatedTypes = [Card, Ideal, SepaDebit];

    public static bool IsStripeType(string type) => StripeTypes.Contains(type);

    /// <summary>Whether the type settles later, so the session completes unpaid first.</summary>
    public static bool IsDelayed(string type) => type == SepaDebit;

    public static string DisplayName(string type) => type switch
    {
        Card => "Card",
        Ideal => "iDEAL",
        SepaDebit => "SEPA Direct Debit",
        _ => type,
    };

    /// <summary>
    /// Computes <c>payment_method_types</c> the way Stripe's dynamic payment methods do: the enabled types that
    /// suit the currency, narrowed to <paramref name="allowed"/> when given, minus <paramref name="excluded"/>.
    /// Types the account lacks are filtered out, not rejected. iDEAL and SEPA Direct Debit need EUR.
    /// </summary>
    public static IReadOnlyList<string> Compute(string currency, IReadOnlyList<string> allowed, IReadOnlyList<string> excluded) =>
        SimulatedTypes
            .Where(type => allowed.Count == 0 || allowed.Contains(type))
            .Where(type => !excluded.Contains(type))
            .Where(type => type == Card || currency == "eur")
            .ToList();
}
