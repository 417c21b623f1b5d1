using KlmSocialPay.Grains.Conversations;
using KlmSocialPay.Grains.Outbox;
using KlmSocialPay.Grains.PaymentLinks;

namespace KlmSocialPay.Silo.Hosting;

/// <summary>The options the grains read, validated at start by every process that hosts a silo.</summary>
public static class GrainOptionsSetup
{
    public static IServiceCollection AddKlmSocialPayGrainOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PaymentLinkOptions>()
            .Bind(configuration.GetSection(PaymentLinkOptions.SectionName))
            .Validate(
                options => options.Lifetime >= PaymentLinkOptions.MinLifetime && options.Lifetime <= PaymentLinkOptions.MaxLifetime,
                "PaymentLinks:Lifetime must be from 00:30:00 to 24:00:00, the range Stripe accepts for expires_at.")
            .ValidateOnStart();
        services.AddOptions<OutboxOptions>()
            .Bind(configuration.GetSection(OutboxOptions.SectionName))
            .Validate(options => options.MaxAttempts >= 1, "Outbox:MaxAttempts must be 1 or more.")
            .ValidateOnStart();
        services.AddOptions<ConversationOptions>()
            .Bind(configuration.GetSection(ConversationOptions.SectionName))
            .Validate(options => options.TextRetention > TimeSpan.Zero, "Conversations:TextRetention must be positive.")
            .ValidateOnStart();
        return services;
    }
}
