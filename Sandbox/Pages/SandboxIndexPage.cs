using System.Globalization;
using System.Text;
using KlmSocialPay.Sandbox.Stripe;
using static KlmSocialPay.Sandbox.Pages.HtmlLayout;

namespace KlmSocialPay.Sandbox.Pages;

/// <summary><c>GET /sandbox</c>: links to the other pages, the sandbox clock, and the latest Checkout Sessions.</summary>
internal static class SandboxIndexPage
{
    public const int ListedSessions = 20;

    private const string Script = """
        document.querySelectorAll('button[data-advance]').forEach(button => button.addEventListener('click', async () => {
          const body = button.dataset.advance === 'reset' ? { offset: '00:00:00' } : { advanceBy: button.dataset.advance };
          await fetch('/sandbox/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
          location.reload();
        }));
        """;

    public static string Render(SandboxClock clock, IReadOnlyList<CheckoutSessionState> sessions)
    {
        var body = new StringBuilder();
        body.Append("<h1>KlmSocialPay sandbox</h1>\n");
        body.Append("<p>Local stand-ins for Stripe Checkout and the Messenger Platform.</p>\n<ul>\n");
        body.Append("<li><a href=\"/sandbox/messenger\">Messenger customer</a>: write to the Page and see its replies.</li>\n");
        body.Append("<li><a href=\"/sandbox/x\">X customer</a>: send the account direct messages, see its replies, run the CRC check.</li>\n");
        body.Append("<li><a href=\"/sandbox/whatsapp\">WhatsApp customer</a>: write to the business number, see its replies and their delivery status.</li>\n");
        body.Append("<li><a href=\"/sandbox/stripe/deliveries\">Stripe webhook deliveries</a> (JSON).</li>\n");
        body.Append("<li><a href=\"/sandbox/meta/messages\">Messages the Page sent</a> (JSON).</li>\n");
        body.Append("</ul>\n");

        body.Append("<h2>Clock</h2>\n<p>Sandbox time: ")
            .Append(Encode(FormatTime(clock.UtcNow)))
            .Append(" (offset ").Append(Encode(clock.Offset.ToString("c", CultureInfo.InvariantCulture))).Append(").</p>\n");
        body.Append("<button type=\"button\" data-advance=\"00:31:00\">+31 minutes</button>");
        body.Append("<button type=\"button\" data-advance=\"1.01:00:00\">+25 hours</button>");
        body.Append("<button type=\"button\" class=\"secondary\" data-advance=\"reset\">Reset</button>\n");

        body.Append("<h2>Checkout Sessions</h2>\n");

        if (sessions.Count == 0)
        {
            body.Append("<p>No Checkout Sessions yet.</p>\n");
        }
        else
        {
            body.Append("<table>\n<thead><tr><th>Session</th><th>Status</th><th>Payment</th><th class=\"amount\">Total</th></tr></thead>\n<tbody>\n");

            foreach (var session in sessions)
            {
                body.Append("<tr><td><a href=\"/sandbox/stripe/pay/").Append(Encode(session.Id)).Append("\">")
                    .Append(Encode(session.Id[..Math.Min(session.Id.Length, 24)])).Append("…</a></td><td>")
                    .Append(Encode(CheckoutSessionJson.StatusText(session.Status))).Append("</td><td>")
                    .Append(Encode(session.PaymentStatus)).Append("</td><td class=\"amount\">")
                    .Append(Encode(StripeCurrencies.Format(session.Parameters.AmountTotal, session.Parameters.Currency)))
                    .Append("</td></tr>\n");
            }

            body.Append("</tbody>\n</table>\n");
        }

        return HtmlLayout.Render("Home", body.ToString(), Script);
    }

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
