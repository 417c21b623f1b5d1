using KlmSocialPay.Sandbox.Pages;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>
/// <c>GET /sandbox/whatsapp</c>: plays the customer. It sends messages through the customer endpoint, shows what
/// the business sent back with its delivery status (call-to-action buttons open their URL), and marks the
/// chat read, polling every two seconds. All text is inserted as text nodes, never as HTML.
/// </summary>
internal static class WhatsAppPage
{
    private const string Body = """
        <h1>WhatsApp customer</h1>
        <p>Write as a customer of the business number. The sandbox posts each message to the product's WhatsApp webhook, signed like Meta does, and shows what the business sends back with its delivery status.</p>
        <label for="wa-id">Customer wa_id</label>
        <input type="text" id="wa-id" list="known-wa-ids" value="31600000001" inputmode="numeric">
        <datalist id="known-wa-ids"></datalist>
        <label for="name">Profile name</label>
        <input type="text" id="name" value="Alex Example">
        <div id="conversation" aria-live="polite"></div>
        <form id="composer">
          <label for="text">Message</label>
          <textarea id="text" rows="3" placeholder="Hi, I would like to pay for my booking"></textarea>
          <button type="submit">Send as customer</button>
          <button type="button" class="secondary" id="read">Mark as read</button>
          <button type="button" class="secondary" id="refresh">Refresh</button>
        </form>
        <div id="status" class="meta"></div>
        """;

    private const string Script = """
        const waIdInput = document.getElementById('wa-id');
        const conversation = document.getElementById('conversation');
        const statusLine = document.getElementById('status');

        function waId() { return waIdInput.value.trim(); }

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

        function businessParts(message) {
          const content = message.content || {};
          if (message.type === 'text') { return [text(content.body || '')]; }
          const parts = [];
          if (content.header && content.header.type === 'text') { parts.push(text(content.header.text + '\n')); }
          parts.push(text((content.body || {}).text || ''));
          if (content.footer) { parts.push(text('\n' + content.footer.text)); }
          const parameters = (content.action || {}).parameters || {};
          if (/^https?:\/\//.test(parameters.url || '')) {
            parts.push(document.createElement('br'));
            const link = document.createElement('a');
            link.href = parameters.url;
            link.target = '_blank';
            link.rel = 'noopener';
            link.textContent = parameters.display_text;
            parts.push(link);
          }
          return parts;
        }

        function deliveryNote(message) {
          if (message.webhookStatusCode) { return 'product answered HTTP ' + message.webhookStatusCode; }
          return message.webhookError || 'delivering…';
        }

        async function refresh() {
          const id = waId();
          const known = await fetch('/sandbox/whatsapp/customers').then(r => r.json());
          const list = document.getElementById('known-wa-ids');
          list.replaceChildren(...known.map(value => { const option = document.createElement('option'); option.value = value; return option; }));
          if (!/^\d{1,20}$/.test(id)) { conversation.replaceChildren(text('Enter a wa_id of 1 to 20 digits.')); return; }
          const [inbound, outbound] = await Promise.all([
            fetch('/sandbox/whatsapp/customers/' + id + '/messages').then(r => r.json()),
            fetch('/sandbox/whatsapp/messages?recipientId=' + id).then(r => r.json()),
          ]);
          const items = inbound.map(m => ({ at: Date.parse(m.sentAt), element: bubble('customer', [text(m.text)], deliveryNote(m)) }))
            .concat(outbound.map(m => ({ at: Date.parse(m.sentAt), element: bubble('page', businessParts(m), m.status) })));
          items.sort((left, right) => left.at - right.at);
          conversation.replaceChildren(...items.map(item => item.element));
        }

        document.getElementById('composer').addEventListener('submit', async event => {
          event.preventDefault();
          const input = document.getElementById('text');
          if (!input.value.trim()) { return; }
          const response = await fetch('/sandbox/whatsapp/customers/' + waId() + '/messages', {
            method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ text: input.value, name: document.getElementById('name').value }) });
          const result = await response.json();
          statusLine.textContent = response.ok
            ? 'Sent ' + result.wamid + '; the product answered HTTP ' + result.statusCode + '.'
            : 'Not delivered: ' + (result.detail || response.status);
          input.value = '';
          await refresh();
        });
        document.getElementById('read').addEventListener('click', async () => {
          const response = await fetch('/sandbox/whatsapp/customers/' + waId() + '/read', { method: 'POST' });
          const results = await response.json();
          statusLine.textContent = response.ok ? 'Posted ' + results.length + ' read status(es).' : 'Not posted: ' + (results.detail || response.status);
          await refresh();
        });
        document.getElementById('refresh').addEventListener('click', refresh);
        waIdInput.addEventListener('change', refresh);
        refresh();
        setInterval(refresh, 2000);
        """;

    public static string Render() => HtmlLayout.Render("WhatsApp", Body, Script);
}
