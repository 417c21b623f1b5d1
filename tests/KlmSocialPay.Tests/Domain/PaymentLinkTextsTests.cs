using KlmSocialPay.Grains.Messages;
using KlmSocialPay.Grains.Money;

namespace KlmSocialPay.Tests.Domain;

public sealed class PaymentLinkTextsTests
{
    private static readonly DateTimeOffset ExpiresAt = new(2026, 12, 4, 18, 30, 0, TimeSpan.Zero);

    [Fact]
    public void EverySupportedLanguage_HasATemplate()
    {
        Assert.True(PaymentLinkTexts.CoversAllLanguages);
    }

    [Theory]
    [InlineData("en", "Here is your secure payment link for booking X7K2QP: €45.00.")]
    [InlineData("nl", "Hier is uw beveiligde betaallink voor boeking X7K2QP: € 45,00.")]
    [InlineData("fr", "réservation X7K2QP : 45,00 €.")]
    [InlineData("de", "Buchung X7K2QP: 45,00 €.")]
    [InlineData("es", "reserva X7K2QP: 45,00 €.")]
    [InlineData("it", "prenotazione X7K2QP: 45,00 €.")]
    [InlineData("pt", "reserva X7K2QP: 45,00 €.")]
    public void Compose_WritesLanguageAndAmount(string language, string expectedPart)
    {
        var (text, _) = PaymentLinkTexts.Compose(language, "X7K2QP", new Money(4500, "EUR"), ExpiresAt);

        Assert.Contains(expectedPart, Normalize(text));
    }

    [Theory]
    [InlineData("en", "Pay €45.00")]
    [InlineData("nl", "Betaal € 45,00")]
    public void Compose_ButtonShowsAmount(string language, string expected)
    {
        var (_, button) = PaymentLinkTexts.Compose(language, "X7K2QP", new Money(4500, "EUR"), ExpiresAt);

        Assert.Equal(expected, Normalize(button));
    }

    [Fact]
    public void Compose_LongButton_FallsBackToShortTitle()
    {
        var (_, button) = PaymentLinkTexts.Compose("nl", "X7K2QP", new Money(99_999_999, "IDR"), ExpiresAt);

        Assert.Equal("Nu betalen", button);
    }

    [Fact]
    public void Compose_ButtonTitle_FitsMessengerLimit()
    {
        foreach (var language in Languages.Supported)
        {
            var (_, button) = PaymentLinkTexts.Compose(language, "X7K2QP", new Money(99_999_999, "EUR"), ExpiresAt);
            Assert.True(button.Length <= PaymentLinkTexts.MaxButtonTitleLength, $"{language}: '{button}'");
        }
    }

    [Theory]
    [InlineData(null, null, "en")]
    [InlineData("nl", null, "nl")]
    [InlineData(null, "de", "de")]
    [InlineData("xx", "fr", "fr")]
    [InlineData("nl", "fr", "nl")]
    public void Resolve_PrefersOrderThenConversationThenEnglish(string? orderLanguage, string? conversationLanguage, string expected)
    {
        Assert.Equal(expected, Languages.Resolve(orderLanguage, conversationLanguage));
    }

    private static string Normalize(string text) => text.Replace('\u00a0', ' ').Replace('\u202f', ' ');
}
