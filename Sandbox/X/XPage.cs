using KlmSocialPay.Sandbox.Pages;

namespace KlmSocialPay.Sandbox.X;

/// <summary>
/// <c>GET /sandbox/x</c>: plays the customer on X. It sends DMs through the customer endpoint, shows the DMs
/// the account sent back with their links, polling every two seconds, and runs the CRC check. All text is
/// inserted as text nodes, never as HTML.
/// </summary>
internal static class XPage
{
    private const string Body = """
        <h1>X customer</h1>
        <p>Write direct messages as an X user. The sandbox posts each one to the product's X webhook as an Account Activity event, signed like X does, and shows the DMs the account sends back.</p>
        <label for="user">Customer user id</label>
        <input type="text" id="user" list="known-users" value="1500000000000000002" inputmode="numeric">
        <datalist id="known-users"></datalist>
        <div id="conversation" aria-live="polite"></div>
        <form id="composer">
          <label for="text">Message</label>
          <textarea id="text" rows="3" placeholder="Hi, I would like to pay for my booking"></textarea>
          <label><input type="checkbox" id="photo"> Attach a photo</label>
          <button type="submit">Send as customer</button>
          <button type="button" class="secondary" id="typing">Send typing indicator</button>
          <button type="button" class="secondary" id="refresh">Refresh</button>
        </form>
        <div id="status" class="meta"></div>
        <h2>Webhook check</h2>
        <p>Sends the CRC GET that X uses to validate a webhook, and checks the product's response_token and response time.</p>
        <button type="button" class="secondary" id="crc">Run CRC check</button>
        <div id="crc-result" class="meta"></div>
        """;

    private const string Script = """
        const userInput = document.getElementById('user');
        const conversation = document.getElementById('conversation');
        const statusLine = document.getElementById('status');

        function user() { return userInput.value.trim(); }

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

        function linked(value) {
          const parts = [];
          let rest = value || '';
          const pattern = /https?:\/\/\S+/;
          let match;
          while ((match = pattern.exec(rest)) !== null) {
            if (match.index > 0) { parts.push(text(rest.slice(0, match.index))); }
            const link = document.createElement('a');
            link.href = match[0];
            link.target = '_blank';
            link.rel = 'noopener';
            link.textContent = match[0];
            parts.push(link);
            rest = rest.slice(match.index + match[0].length);
          }
          if (rest) { parts.push(text(rest)); }
          return parts;
        }

        function customerParts(message) {
          if (message.kind === 'typing') { return [text('[typing]')]; }
          const parts = [];
          if (message.text) { parts.push(text(message.text)); }
          if (message.hasPhoto) { parts.push(text(' [photo]')); }
          return parts;
        }

        function deliveryNote(message) {
          if (message.webhookStatusCode) { return 'product responded HTTP ' + message.webhookStatusCode; }
          return message.webhookError || 'delivering…';
        }

        async function refresh() {
          const id = user();
          const known = await fetch('/sandbox/x/customers').then(r => r.json());
          const list = document.getElementById('known-users');
          list.replaceChildren(...known.map(value => { const option = document.createElement('option'); option.value = value; return option; }));
          if (!/^\d{1,19}$/.test(id)) { conversation.replaceChildren(text('Enter a user id of 1 to 19 digits.')); return; }
          const [inbound, outbound] = await Promise.all([
            fetch('/sandbox/x/customers/' + id + '/messages').then(r => r.json()),
            fetch('/sandbox/x/messages?recipientId=' + id).then(r => r.json()),
          ]);
          const items = inbound.map(m => ({ at: Date.parse(m.sentAt), element: bubble('customer', customerParts(m), deliveryNote(m)) }))
            .concat(outbound.map(m => ({ at: Date.parse(m.sentAt), element: bubble('page', linked(m.text), 'DM ' + m.eventId) })));
          items.sort((left, right) => left.at - right.at);
          conversation.replaceChildren(...items.map(item => item.element));
        }

        async function post(path, body) {
          const id = user();
          const response = await fetch('/sandbox/x/customers/' + id + '/' + path, {
            method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) });
          const result = await response.json();
          statusLine.textContent = response.ok
            ? 'Sent event ' + result.eventId + '; the product responded HTTP ' + result.statusCode + '.'
            : 'Not delivered: ' + (result.detail || response.status);
          await refresh();
        }

        document.getElementById('composer').addEventListener('submit', async event => {
          event.preventDefault();
          const input = document.getElementById('text');
          const photo = document.getElementById('photo');
          if (!input.value.trim() && !photo.checked) { return; }
          await post('messages', { text: input.value, attachPhoto: photo.checked });
          input.value = '';
          photo.checked = false;
        });
        document.getElementById('typing').addEventListener('click', () => post('typing'));
        document.getElementById('refresh').addEventListener('click', refresh);
        document.getElementById('crc').addEventListener('click', async () => {
          const result = await fetch('/sandbox/x/crc-check', { method: 'POST' }).then(r => r.json());
          document.getElementById('crc-result').textContent = result.valid
            ? 'Valid: the product responded to the CRC in ' + result.elapsedMilliseconds + ' ms.'
            : 'Invalid: ' + result.error;
        });
        userInput.addEventListener('change', refresh);
        refresh();
        setInterval(refresh, 2000);
        """;

    public static string Render() => HtmlLayout.Render("X", Body, Script);
}
