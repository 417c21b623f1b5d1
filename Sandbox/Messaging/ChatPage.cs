using System.Text;
using KlmSocialPay.Sandbox.Pages;

namespace KlmSocialPay.Sandbox.Messaging;

/// <summary>
/// The channel-specific parts of a customer chat page. <see cref="Channel"/> is plain text for the title and
/// heading. Each HTML part is inserted as given, and an empty part is left out. <see cref="Script"/> must
/// declare the <c>chat</c> object that <see cref="ChatPage"/> describes.
/// </summary>
internal sealed record ChatPageParts(
    string Channel,
    string IntroductionHtml,
    string CustomerFieldsHtml,
    string ComposerFieldsHtml,
    string ComposerButtonsHtml,
    string TrailingHtml,
    string Script);

/// <summary>
/// Customer chat page shared by the messaging stand-ins. It shows the conversation with the business, polling
/// every two seconds, and a composer whose actions the channel's script adds. All text is inserted as text
/// nodes, never as HTML.
/// </summary>
/// <remarks>
/// The channel script must declare <c>const chat</c> with <c>customerInput</c>, <c>knownListId</c>,
/// <c>customersUrl</c>, <c>sentMessagesUrl</c>, <c>idPattern</c>, <c>invalidIdMessage</c>, <c>deliveryVerb</c>
/// and the functions <c>customerParts</c>, <c>businessParts</c> and <c>businessNote</c>. It may call the shared
/// <c>text</c>, <c>bubble</c>, <c>customerId</c> and <c>refresh</c>, and write to <c>statusLine</c>.
/// </remarks>
internal static class ChatPage
{
    private const string ConversationHtml = """<div id="conversation" aria-live="polite"></div>""";

    private const string ComposerStartHtml = """
        <form id="composer">
          <label for="text">Message</label>
          <textarea id="text" rows="3" placeholder="Hi, I would like to pay for my booking"></textarea>
        """;

    private const string SendButtonHtml = """  <button type="submit">Send as customer</button>""";

    private const string ComposerEndHtml = """
          <button type="button" class="secondary" id="refresh">Refresh</button>
        </form>
        <div id="status" class="meta"></div>
        """;

    private const string HelperScript = """
        const conversation = document.getElementById('conversation');
        const statusLine = document.getElementById('status');

        function text(value) { return document.createTextNode(value); }

        function bubble(side, children, meta) {
          const element = document.createElement('div');
          element.className = 'bubble ' + side;
          for (const child of children) { element.append(child); }
          if (meta) {
            const line = document.createElement('div');
            line.className = 'meta';
            line.textContent = meta;
            element.append(line);
          }
          return element;
        }

        function customerId() { return chat.customerInput.value.trim(); }

        function deliveryNote(message) {
          if (message.webhookStatusCode) { return 'product ' + chat.deliveryVerb + ' HTTP ' + message.webhookStatusCode; }
          return message.webhookError || 'delivering…';
        }

        async function refresh() {
          const id = customerId();
          const known = await fetch(chat.customersUrl).then(r => r.json());
          const list = document.getElementById(chat.knownListId);
          list.replaceChildren(...known.map(value => { const option = document.createElement('option'); option.value = value; return option; }));
          if (!chat.idPattern.test(id)) { conversation.replaceChildren(text(chat.invalidIdMessage)); return; }
          const [inbound, outbound] = await Promise.all([
            fetch(chat.customersUrl + '/' + id + '/messages').then(r => r.json()),
            fetch(chat.sentMessagesUrl + '?recipientId=' + id).then(r => r.json()),
          ]);
          const items = inbound.map(m => ({ at: Date.parse(m.sentAt), element: bubble('customer', chat.customerParts(m), deliveryNote(m)) }))
            .concat(outbound.map(m => ({ at: Date.parse(m.sentAt), element: bubble('page', chat.businessParts(m), chat.businessNote(m)) })));
          items.sort((left, right) => left.at - right.at);
          conversation.replaceChildren(...items.map(item => item.element));
        }
        """;

    private const string StartScript = """
        document.getElementById('refresh').addEventListener('click', refresh);
        chat.customerInput.addEventListener('change', refresh);
        refresh();
        setInterval(refresh, 2000);
        """;

    public static string Render(ChatPageParts parts)
    {
        var body = new StringBuilder();
        AppendLine(body, $"<h1>{HtmlLayout.Encode(parts.Channel)} customer</h1>");
        AppendLine(body, parts.IntroductionHtml);
        AppendLine(body, parts.CustomerFieldsHtml);
        AppendLine(body, ConversationHtml);
        AppendLine(body, ComposerStartHtml);
        AppendLine(body, parts.ComposerFieldsHtml);
        AppendLine(body, SendButtonHtml);
        AppendLine(body, parts.ComposerButtonsHtml);
        AppendLine(body, ComposerEndHtml);
        AppendLine(body, parts.TrailingHtml);

        var script = string.Join("\n\n", HelperScript, parts.Script, StartScript);
        return HtmlLayout.Render(parts.Channel, body.ToString().TrimEnd('\n'), script);
    }

    private static void AppendLine(StringBuilder html, string part)
    {
        if (part.Length > 0)
        {
            html.Append(part).Append('\n');
        }
    }
}
