using KlmSocialPay.Sandbox.Pages;

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>
/// <c>GET /sandbox/messenger</c>: plays the customer. It sends messages through the customer endpoint and shows
/// what the Page sent back, including button templates, polling every two seconds. All text is inserted as
/// text nodes, never as HTML.
/// </summary>
internal static class MessengerPage
{
    private const string Body = """
        <h1>Messenger customer</h1>
        <p>Write as a customer of the Page. The sandbox posts each message to the product's Messenger webhook, signed like Meta does, and shows what the Page sends back.</p>
        <label for="psid">Customer PSID</label>
        <input type="text" id="psid" list="known-psids" value="7000000000000001" inputmode="numeric">
        <datalist id="known-psids"></datalist>
        <div id="conversation" aria-live="polite"></div>
        <form id="composer">
          <label for="text">Message</label>
          <textarea id="text" rows="3" placeholder="Hi, I would like to pay for my booking"></textarea>
          <button type="submit">Send as customer</button>
          <button type="button" class="secondary" id="refresh">Refresh</button>
        </form>
        <div id="status" class="meta"></div>
        """;

    private const string Script = """
        const psidInput = document.getElementById('psid');
        const conversation = document.getElementById('conversation');
        const statusLine = document.getElementById('status');

        function psid() { return psidInput.value.trim(); }

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

        function text(value) { return document.createTextNode(value); }

        function pageParts(message) {
          if (!message.message) { return [text('[' + message.senderAction + ']')]; }
          const body = message.message;
          if (typeof body.text === 'string') { return [text(body.text)]; }
          const attachment = body.attachment || {};
          const payload = attachment.payload || {};
          if (attachment.type === 'template' && payload.template_type === 'button') {
            const parts = [text(payload.text || '')];
            for (const button of payload.buttons || []) {
              parts.push(document.createElement('br'));
              if (button.type === 'web_url' && /^https?:\/\//.test(button.url || '')) {
                const link = document.createElement('a');
                link.href = button.url;
                link.target = '_blank';
                link.rel = 'noopener';
                link.textContent = button.title;
                parts.push(link);
              } else if (button.type === 'postback') {
                const tap = document.createElement('button');
                tap.type = 'button';
                tap.textContent = button.title;
                tap.addEventListener('click', () => post('postbacks', { title: button.title, payload: button.payload }));
                parts.push(tap);
              } else {
                parts.push(text('[' + button.type + '] ' + button.title));
              }
            }
            return parts;
          }
          return [text('[' + attachment.type + '] ' + (payload.url || payload.attachment_id || ''))];
        }

        function customerParts(message) {
          if (message.kind === 'postback') { return [text('Tapped: ' + (message.postbackTitle || message.postbackPayload))]; }
          const parts = [];
          if (message.text) { parts.push(text(message.text)); }
          for (const attachment of message.attachments || []) { parts.push(text(' [' + attachment.type + ']')); }
          return parts;
        }

        function deliveryNote(message) {
          if (message.webhookStatusCode) { return 'product answered HTTP ' + message.webhookStatusCode; }
          return message.webhookError || 'delivering…';
        }

        async function refresh() {
          const id = psid();
          const known = await fetch('/sandbox/messenger/customers').then(r => r.json());
          const list = document.getElementById('known-psids');
          list.replaceChildren(...known.map(value => { const option = document.createElement('option'); option.value = value; return option; }));
          if (!/^\d{1,20}$/.test(id)) { conversation.replaceChildren(text('Enter a PSID of 1 to 20 digits.')); return; }
          const [inbound, outbound] = await Promise.all([
            fetch('/sandbox/messenger/customers/' + id + '/messages').then(r => r.json()),
            fetch('/sandbox/meta/messages?recipientId=' + id).then(r => r.json()),
          ]);
          const items = inbound.map(m => ({ at: Date.parse(m.sentAt), element: bubble('customer', customerParts(m), deliveryNote(m)) }))
            .concat(outbound.map(m => ({ at: Date.parse(m.sentAt), element: bubble('page', pageParts(m), m.messagingType + (m.tag ? ' ' + m.tag : '')) })));
          items.sort((left, right) => left.at - right.at);
          conversation.replaceChildren(...items.map(item => item.element));
        }

        async function post(kind, body) {
          const id = psid();
          const response = await fetch('/sandbox/messenger/customers/' + id + '/' + kind, {
            method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
          const result = await response.json();
          statusLine.textContent = response.ok
            ? 'Sent ' + result.mid + '; the product answered HTTP ' + result.statusCode + '.'
            : 'Not delivered: ' + (result.detail || response.status);
          await refresh();
        }

        document.getElementById('composer').addEventListener('submit', async event => {
          event.preventDefault();
          const input = document.getElementById('text');
          if (!input.value.trim()) { return; }
          await post('messages', { text: input.value });
          input.value = '';
        });
        document.getElementById('refresh').addEventListener('click', refresh);
        psidInput.addEventListener('change', refresh);
        refresh();
        setInterval(refresh, 2000);
        """;

    public static string Render() => HtmlLayout.Render("Messenger", Body, Script);
}
