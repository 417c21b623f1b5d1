using KlmSocialPay.Sandbox.Messaging;

namespace KlmSocialPay.Sandbox.WhatsApp;

/// <summary>
/// <c>GET /sandbox/whatsapp</c>: plays the customer. It sends messages through the customer endpoint, shows what
/// the business sent back with its delivery status (call-to-action buttons open their URL), and marks the
/// chat read, polling every two seconds. All text is inserted as text nodes, never as HTML.
/// </summary>
internal static class WhatsAppPage
{
    private const string Introduction = """
        <p>Write as a customer of the business number. The sandbox posts each message to the product's WhatsApp webhook, signed like Meta does, and shows what the business sends back with its delivery status.</p>
        """;

    private const string CustomerFields = """
        <label for="wa-id">Customer wa_id</label>
        <input type="text" id="wa-id" list="known-wa-ids" value="31600000001" inputmode="numeric">
        <datalist id="known-wa-ids"></datalist>
        <label for="name">Profile name</label>
        <input type="text" id="name" value="Alex Example">
        """;

    private const string ComposerButtons = """
          <button type="button" class="secondary" id="read">Mark as read</button>
        """;

    private const string Script = """
        const chat = {
          customerInput: document.getElementById('wa-id'),
          knownListId: 'known-wa-ids',
          customersUrl: '/sandbox/whatsapp/customers',
          sentMessagesUrl: '/sandbox/whatsapp/messages',
          idPattern: /^\d{1,20}$/,
          invalidIdMessage: 'Enter a wa_id of 1 to 20 digits.',
          deliveryVerb: 'answered',
          customerParts: message => [text(message.text)],
          businessParts,
          businessNote: message => message.status,
        };

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

        document.getElementById('composer').addEventListener('submit', async event => {
          event.preventDefault();
          const input = document.getElementById('text');
          if (!input.value.trim()) { return; }
          const response = await fetch('/sandbox/whatsapp/customers/' + customerId() + '/messages', {
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
          const response = await fetch('/sandbox/whatsapp/customers/' + customerId() + '/read', { method: 'POST' });
          const results = await response.json();
          statusLine.textContent = response.ok ? 'Posted ' + results.length + ' read status(es).' : 'Not posted: ' + (results.detail || response.status);
          await refresh();
        });
        """;

    public static string Render() =>
        ChatPage.Render(new ChatPageParts("WhatsApp", Introduction, CustomerFields, "", ComposerButtons, "", Script));
}
