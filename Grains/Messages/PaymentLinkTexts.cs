using System.Collections.Frozen;
using System.Globalization;

namespace KlmSocialPay.Grains.Messages;

/// <summary>
/// The customer-facing text of a payment link, one template per language. The language is the order's,
/// else the conversation's, else English.
/// </summary>
public static class PaymentLinkTexts
{
    /// <summary>Messenger's limit for a button title, in characters.</summary>
    public const int MaxButtonTitleLength = 20;

    private sealed record Template(string Culture, string Body, string PayButton, string ShortPayButton);

    // Placeholders: {0} booking reference, {1} formatted amount, {2} expiry time in UTC.
    private static readonly FrozenDictionary<string, Template> Templates = new Dictionary<string, Template>
    {
        ["en"] = new("en-GB",
            "Here is your secure payment link for booking {0}: {1}. It is valid until {2} UTC.",
            "Pay {1}", "Pay now"),
        ["nl"] = new("nl-NL",
            "Hier is uw beveiligde betaallink voor boeking {0}: {1}. De link is geldig tot {2} UTC.",
            "Betaal {1}", "Nu betalen"),
        ["fr"] = new("fr-FR",
            "Voici votre lien de paiement sécurisé pour la réservation {0} : {1}. Il est valable jusqu'au {2} UTC.",
            "Payer {1}", "Payer"),
        ["de"] = new("de-DE",
            "Hier ist Ihr sicherer Zahlungslink für die Buchung {0}: {1}. Er ist gültig bis {2} UTC.",
            "{1} zahlen", "Jetzt zahlen"),
        ["es"] = new("es-ES",
            "Este es su enlace de pago seguro para la reserva {0}: {1}. Es válido hasta el {2} UTC.",
            "Pagar {1}", "Pagar ahora"),
        ["it"] = new("it-IT",
            "Ecco il suo link di pagamento sicuro per la prenotazione {0}: {1}. È valido fino al {2} UTC.",
            "Paga {1}", "Paga ora"),
        ["pt"] = new("pt-PT",
            "Aqui está o seu link de pagamento seguro para a reserva {0}: {1}. É válido até {2} UTC.",
            "Pagar {1}", "Pagar agora"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Returns whether every supported language has a template; checked by the tests.</summary>
    public static bool CoversAllLanguages => Languages.Supported.All(Templates.ContainsKey);

    public static CultureInfo CultureOf(string language) =>
        CultureInfo.GetCultureInfo(Templates.GetValueOrDefault(language, Templates[Languages.Default]).Culture);

    /// <summary>Builds the message text and button title for a payment link.</summary>
    public static (string Text, string ButtonTitle) Compose(
        string language, string bookingReference, Money.Money total, DateTimeOffset expiresAt)
    {
        var template = Templates.GetValueOrDefault(language, Templates[Languages.Default]);
        var culture = CultureInfo.GetCultureInfo(template.Culture);
        var amount = MoneyFormatter.Format(total, culture);
        // Day, month name and year, so "4 Dec 2026" cannot be read as April 12 anywhere.
        var expiry = expiresAt.UtcDateTime.ToString("d MMM yyyy HH:mm", culture);

        var text = string.Format(culture, template.Body, bookingReference, amount, expiry);
        var button = string.Format(culture, template.PayButton, bookingReference, amount);
        if (button.Length > MaxButtonTitleLength)
        {
            button = template.ShortPayButton;
        }

        return (text, button);
    }
}
