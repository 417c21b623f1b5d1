using KlmSocialPay.Sandbox.Messaging;

namespace KlmSocialPay.Sandbox.X;

/// <summary>
/// <c>GET /sandbox/x</c>: plays the customer on X. It sends DMs through the customer endpoint, shows the DMs
/// the account sent back with their links, polling every two seconds, and runs the CRC check. All text is
/// inserted as text nodes, never as HTML.
/// </summary>
internal static class XPage
{
    private const string Introduction = """
        <p>Write direct messages as an X user. The sandbox posts each one to the product's X webhook as an Account Activity event, signed like X does, and shows the DMs the account sends back.</p>
        """;

    private const string CustomerFields = """
        <label for="user">Customer user id</label>
        <input type="text" id="user" list="known-users" value="1500000000000000002" inputmode="numeric">
        <datalist id="known-users"></datalist>
        """;

    private const string ComposerFields = """
          <label><input type="checkbox" id="photo"> Attach a photo</label>
        """;

    private const string ComposerButtons = """
          <button type="button" class="secondary" id="typing">Send typing indicator</button>
        """;

    private const string CrcCheck = """
        <h2>Webhook check</h2>
        <p>Sends the CRC GET that X uses to validate a webhook, and checks the product's response_token and response time.</p>
        <button type="button" class="secondary" id="crc">Run CRC check</button>
        <div id="crc-result" class="meta"></div>
        """;

    private const string Script = """
        const chat = {
          customerInput: document.getElementById('user'),
          knownListId: 'known-users',
          customersUrl: '/sandbox/x/customers',
          sentMessagesUrl: '/sandbox/x/messages',
          idPattern: /^\d{1,19}$/,
          invalidIdMessage: 'Enter a user id of 1 to 19 digits.',
          deliveryVerb: 'responded',
          customerParts,
          businessParts: message => linked(message.text),
          businessNote: message => 'DM ' + message.eventId,
        };

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

        async function post(path, body) {
          const id = customerId();
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
        document.getElementById('crc').addEventListener('click', async () => {
          const result = await fetch('/sandbox/x/crc-check', { method: 'POST' }).then(r => r.json());
          document.getElementById('crc-result').textContent = result.valid
            ? 'Valid: the product responded to the CRC in ' + result.elapsedMilliseconds + ' ms.'
            : 'Invalid: ' + result.error;
        });
        """;

    public static string Render() =>
        ChatPage.Render(new ChatPageParts("X", Introduction, CustomerFields, ComposerFields, ComposerButtons, CrcCheck, Script));
}
