using System.Text;
using System.Text.Encodings.Web;

namespace KlmSocialPay.Sandbox.Pages;

/// <summary>The frame of every sandbox page: inline styles only, so the pages work offline.</summary>
internal static class HtmlLayout
{
    private const string Styles = """
        body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d1d1f; }
        header { background: #635bff; color: #fff; padding: 0.75rem 1.5rem; }
        header a { color: #fff; }
        main { max-width: 46rem; margin: 1.5rem auto; background: #fff; padding: 1.5rem; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
        table { width: 100%; border-collapse: collapse; }
        th, td { text-align: left; padding: 0.4rem; border-bottom: 1px solid #e3e3e8; }
        td.amount, th.amount { text-align: right; font-variant-numeric: tabular-nums; }
        .notice { padding: 0.75rem; border-radius: 6px; background: #eef0ff; margin: 1rem 0; }
        .error { background: #ffecec; color: #8a1f11; }
        .success { background: #e7f7ec; color: #135c2c; }
        button { font-size: 1rem; padding: 0.5rem 1rem; margin: 0.25rem 0.25rem 0.25rem 0; border-radius: 6px; border: 1px solid #635bff; background: #635bff; color: #fff; cursor: pointer; }
        button.secondary { background: #fff; color: #635bff; }
        fieldset { border: 1px solid #e3e3e8; border-radius: 6px; margin: 1rem 0; }
        label { display: block; margin: 0.3rem 0; }
        textarea, input[type=text] { width: 100%; box-sizing: border-box; font-size: 1rem; padding: 0.4rem; }
        .bubble { padding: 0.5rem 0.75rem; border-radius: 12px; margin: 0.4rem 0; max-width: 80%; white-space: pre-wrap; overflow-wrap: anywhere; }
        .customer { background: #e5e5ea; margin-right: auto; }
        .page { background: #0a7cff; color: #fff; margin-left: auto; }
        .page a, .page button { color: #0a7cff; background: #fff; display: inline-block; margin-top: 0.4rem; text-decoration: none; padding: 0.3rem 0.6rem; border-radius: 6px; border: none; }
        .meta { font-size: 0.8rem; color: #6e6e73; }
        """;

    public static string Render(string title, string bodyHtml, string? script = null)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(Encode(title)).Append(" · KlmSocialPay sandbox</title>\n");
        html.Append("<style>").Append(Styles).Append("</style>\n</head>\n<body>\n");
        html.Append("<header><a href=\"/sandbox\">KlmSocialPay sandbox</a> · ").Append(Encode(title)).Append("</header>\n");
        html.Append("<main>\n").Append(bodyHtml).Append("\n</main>\n");

        if (script is not null)
        {
            html.Append("<script>\n").Append(script).Append("\n</script>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? "");
}
