using System.Text.Json;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>
/// An error in Stripe's wire shape: <c>{"error":{"type","code","message","param"}}</c>. Stripe omits
/// <c>code</c> and <c>param</c> when they do not apply, and so does this type.
/// </summary>
internal sealed record StripeApiError(int StatusCode, string Type, string Message, string? Code = null, string? Param = null)
{
    private const string InvalidRequest = "invalid_request_error";

    public static StripeApiError MissingParameter(string param) =>
        new(400, InvalidRequest, $"Missing required param: {param}.", "parameter_missing", param);

    public static StripeApiError UnknownParameter(string param) =>
        new(400, InvalidRequest, $"Received unknown parameter: {param}", "parameter_unknown", param);

    public static StripeApiError InvalidInteger(string param, string value) =>
        new(400, InvalidRequest, $"Invalid integer: {value}", "parameter_invalid_integer", param);

    public static StripeApiError EmptyString(string param) =>
        new(400, InvalidRequest, $"You passed an empty string for '{param}'. We assume empty values are an attempt to unset a parameter; however '{param}' cannot be unset. You should remove '{param}' from your request or supply a non-empty value.", "parameter_invalid_empty", param);

    public static StripeApiError InvalidValue(string param, string message, string? code = null) =>
        new(400, InvalidRequest, message, code, param);

    /// <summary>A real Stripe parameter that the sandbox does not simulate. The request fails rather than ignore it silently.</summary>
    public static StripeApiError NotSimulated(string param) =>
        new(400, InvalidRequest, $"The KlmSocialPay sandbox does not simulate the parameter {param}. Remove it, or test this request against Stripe's own test mode.", Param: param);

    public static StripeApiError NoSuchCheckoutSession(string id) =>
        new(404, InvalidRequest, $"No such checkout.session: '{id}'", "resource_missing", "session");

    public static StripeApiError NoSuchEvent(string id) =>
        new(404, InvalidRequest, $"No such event: '{id}'", "resource_missing", "id");

    public static StripeApiError NoSuchPaymentIntent(string id, string param) =>
        new(404, InvalidRequest, $"No such payment_intent: '{id}'", "resource_missing", param);

    public static StripeApiError NoSuchCharge(string id, string param) =>
        new(404, InvalidRequest, $"No such charge: '{id}'", "resource_missing", param);

    public static StripeApiError NoSuchRefund(string id) =>
        new(404, InvalidRequest, $"No such refund: '{id}'", "resource_missing", "refund");

    public static StripeApiError ChargeAlreadyRefunded(string chargeId) =>
        new(400, InvalidRequest, $"Charge {chargeId} has already been refunded.", "charge_already_refunded");

    /// <summary>A refund larger than what is left on the charge. Amounts are written as decimal amount and currency code.</summary>
    public static StripeApiError RefundAmountTooLarge(string requested, string refundable) =>
        new(400, InvalidRequest, $"Refund amount ({requested}) is greater than unrefunded amount on charge ({refundable})", "amount_too_large", "amount");

    public static StripeApiError ChargeNotRefundable(string message, string param) =>
        new(400, InvalidRequest, message, "charge_not_refundable", param);

    public static StripeApiError ChargeDisputed(string chargeId) =>
        new(400, InvalidRequest, $"Charge {chargeId} has been charged back, so it cannot be refunded. Respond to the dispute instead.", "charge_disputed");

    public static StripeApiError MissingApiKey() =>
        new(401, InvalidRequest, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");

    /// <summary>The rejected key is not echoed, not even masked, so it never reaches a log that records responses.</summary>
    public static StripeApiError InvalidApiKey() =>
        new(401, InvalidRequest, "Invalid API Key provided. The sandbox accepts only the key configured in Sandbox:Stripe:SecretKey.");

    public static StripeApiError IdempotencyKeyReused(string key) =>
        new(400, "idempotency_error", $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.");

    public static StripeApiError IdempotencyKeyOnOtherEndpoint(string key, string firstPath, string path) =>
        new(400, "idempotency_error", $"Keys for idempotent requests can only be used for the same endpoint they were first used for ('{firstPath}' vs '{path}'). Try using a key other than '{key}' if you meant to execute a different request.");

    public static StripeApiError IdempotencyKeyInUse(string key) =>
        new(409, InvalidRequest, $"There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): {key}. Please try again later.", "idempotency_key_in_use");

    public string ToJson() => StripeJson.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");

        if (Code is not null)
        {
            writer.WriteString("code", Code);
        }

        writer.WriteString("message", Message);

        if (Param is not null)
        {
            writer.WriteString("param", Param);
        }

        writer.WriteString("type", Type);
        writer.WriteEndObject();
        writer.WriteEndObject();
    });
}
