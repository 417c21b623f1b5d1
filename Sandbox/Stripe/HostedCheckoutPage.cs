using System.Globalization;
using System.Text;
using KlmSocialPay.Sandbox.Pages;
using static KlmSocialPay.Sandbox.Pages.HtmlLayout;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>The hosted checkout page: the order, a choice of the session's payment methods, and what happened.</summary>
internal static class HostedCheckoutPage
{
    public static string Render(CheckoutSessionState session, string? notice, bool noticeIsError)
    {
        var parameters = session.Parameters;
        var body = new StringBuilder();

        body.Append("<h1>Checkout</h1>\n");
        body.Append("<p class=\"meta\">Checkout Session ").Append(Encode(session.Id)).Append("</p>\n");

        if (notice is not null)
        {
            body.Append("<div class=\"notice").Append(noticeIsError ? " error" : "").Append("\">").Append(Encode(notice)).Append("</div>\n");
        }

        AppendLineItems(body, parameters);
        AppendState(body, session);

        return HtmlLayout.Render("Checkout", body.ToString());
    }

    public static string RenderNotFound(string id) =>
        HtmlLayout.Render("Checkout", $"<h1>Checkout</h1>\n<div class=\"notice error\">No Checkout Session {Encode(id)} exists in this sandbox.</div>");

    private static void AppendLineItems(StringBuilder body, CheckoutSessionDraft parameters)
    {
        body.Append("<table>\n<thead><tr><th>Item</th><th class=\"amount\">Quantity</th><th class=\"amount\">Unit price</th><th class=\"amount\">Amount</th></tr></thead>\n<tbody>\n");

        foreach (var item in parameters.LineItems)
        {
            body.Append("<tr><td>").Append(Encode(item.Name));

            if (item.Description is not null)
            {
                body.Append("<br><span class=\"meta\">").Append(Encode(item.Description)).Append("</span>");
            }

            body.Append("</td><td class=\"amount\">").Append(item.Quantity.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td class=\"amount\">").Append(Encode(StripeCurrencies.Format(item.UnitAmount, item.Currency)))
                .Append("</td><td class=\"amount\">").Append(Encode(StripeCurrencies.Format(item.AmountTotal, item.Currency)))
                .Append("</td></tr>\n");
        }

        body.Append("</tbody>\n<tfoot><tr><th colspan=\"3\">Total</th><th class=\"amount\" id=\"total\">")
            .Append(Encode(StripeCurrencies.Format(parameters.AmountTotal, parameters.Currency)))
            .Append("</th></tr></tfoot>\n</table>\n");
    }

    private static void AppendState(StringBuilder body, CheckoutSessionState session)
    {
        var total = StripeCurrencies.Format(session.Parameters.AmountTotal, session.Parameters.Currency);

        switch (session)
        {
            case { Status: CheckoutSessionStatus.Expired }:
                body.Append("<div class=\"notice error\" id=\"state\">This Checkout Session has expired and can no longer be paid.</div>\n");
                break;

            case { Status: CheckoutSessionStatus.Open }:
                AppendPaymentForm(body, session, total);
                break;

            case { DelayedPayment: DelayedPaymentStatus.Processing }:
                body.Append("<div class=\"notice\" id=\"state\">The ")
                    .Append(Encode(StripePaymentMethods.DisplayName(session.PaymentMethodType!)))
                    .Append(" payment is processing. Choose how the bank answers:</div>\n");
                AppendActionForm(body, session.Id, ("settle", "Settle the payment", ""), ("fail", "Fail the payment", "secondary"));
                break;

            case { DelayedPayment: DelayedPaymentStatus.Failed }:
                body.Append("<div class=\"notice error\" id=\"state\">The ")
                    .Append(Encode(StripePaymentMethods.DisplayName(session.PaymentMethodType!)))
                    .Append(" payment failed. This Checkout Session is complete and can no longer be paid.</div>\n");
                break;

            default:
                body.Append("<div class=\"notice success\" id=\"state\">Paid ").Append(Encode(total)).Append(" with ")
                    .Append(Encode(StripePaymentMethods.DisplayName(session.PaymentMethodType!)))
                    .Append(". This Checkout Session is complete and can no longer be paid.</div>\n");
                break;
        }
    }

    private static void AppendPaymentForm(StringBuilder body, CheckoutSessionState session, string total)
    {
        body.Append("<form method=\"post\" action=\"/sandbox/stripe/pay/").Append(Encode(session.Id)).Append("\">\n");
        body.Append("<fieldset><legend>Payment method</legend>\n");

        var first = true;

        foreach (var type in session.Parameters.PaymentMethodTypes)
        {
            body.Append("<label><input type=\"radio\" name=\"method\" value=\"").Append(Encode(type)).Append('"')
                .Append(first ? " checked" : "").Append("> ").Append(Encode(StripePaymentMethods.DisplayName(type)));

            if (StripePaymentMethods.IsDelayed(type))
            {
                body.Append(" <span class=\"meta\">(settles later: the session completes unpaid first)</span>");
            }

            body.Append("</label>\n");
            first = false;
        }

        body.Append("</fieldset>\n");
        body.Append("<button type=\"submit\" name=\"action\" value=\"pay\">Pay ").Append(Encode(total)).Append("</button>\n");
        body.Append("<button type=\"submit\" name=\"action\" value=\"cancel\" class=\"secondary\">Cancel and return</button>\n");
        body.Append("</form>\n");
        body.Append("<p class=\"meta\">Expires at ")
            .Append(Encode(session.Parameters.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)))
            .Append(" (sandbox clock).</p>\n");
    }

    private static void AppendActionForm(StringBuilder body, string sessionId, params (string Action, string Label, string CssClass)[] buttons)
    {
        body.Append("<form method=\"post\" action=\"/sandbox/stripe/pay/").Append(Encode(sessionId)).Append("\">\n");

        foreach (var (action, label, cssClass) in buttons)
        {
            body.Append("<button type=\"submit\" name=\"action\" value=\"").Append(action).Append('"')
                .Append(cssClass.Length > 0 ? $" class=\"{cssClass}\"" : "").Append('>').Append(Encode(label)).Append("</button>\n");
        }

        body.Append("</form>\n");
    }
}
