using Microsoft.AspNetCore.Http;

namespace KlmSocialPay.Sandbox;

/// <summary>problem+json responses of the sandbox's own endpoints. The simulated APIs use their own error shapes.</summary>
internal static class SandboxProblems
{
    /// <summary>A 400 whose <c>errors</c> member names the invalid field.</summary>
    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);

    public static IResult NotFound(string message) =>
        Results.Problem(detail: message, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Conflict(string message) =>
        Results.Problem(detail: message, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static IResult BadGateway(string message, IDictionary<string, object?> extensions) =>
        Results.Problem(detail: message, statusCode: StatusCodes.Status502BadGateway, title: "Webhook delivery failed", extensions: extensions);
}
