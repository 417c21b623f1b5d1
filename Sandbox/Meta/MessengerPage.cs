using KlmSocialPay.Sandbox.Messaging;

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>
/// <c>GET /sandbox/messenger</c>: plays the customer. It sends messages through the customer endpoint and shows
/// what the Page sent back, including button templates, polling every two seconds. All text is inserted as
/// text nodes, never as HTML.
/// </summary>
internal static class MessengerPage
{
    private const string Introduction = """
        <p>Write as a customer of the Page. The sandbox posts each message to the product's Messenger webhook, signed like Meta does, and shows what the Page sends back.</p>
        """;

    private const string CustomerFields = """
        <label for="psid">Customer PSID</label>
        <input type="text" id="psid" list="known-psids" value="7000000000000001" inputmode="numeric">
        <datalist id="known-psids"></datalist>
        """;

    private const string Script = """
        const chat = {
          customerInput: document.getElementById('psid'),
          knownListId: 'known-psids',
          customersUrl: '/sandbox/messenger/customers',
          sentMessagesUrl: '/sandbox/meta/messages',
          idPattern: /^\d{1,20}$/,
          invalidIdMessage: 'Enter a PSID of 1 to 20 digits.',
          deliveryVerb: 'answered',
          customerParts,
          businessParts,
          businessNote: message => message.messagingType + (message.tag ? ' ' + message.tag : ''),
        };

        function businessParts(message) {
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

        async function post(kind, body) {
          const id = customerId();
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
        """;

    public static string Render() => ChatPage.Render(new ChatPageParts("Messenger", Introduction, CustomerFields, "", "", "", Script));
}
