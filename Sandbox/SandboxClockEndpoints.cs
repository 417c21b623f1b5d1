using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace KlmSocialPay.Sandbox;

/// <summary>
/// <c>GET /sandbox/clock</c> and <c>POST /sandbox/clock</c> with <c>{"offset":"1.00:00:00"}</c> or
/// <c>{"advanceBy":"00:31:00"}</c> (TimeSpan text, <c>[d.]hh:mm:ss</c>): read or move the sandbox clock.
/// </summary>
internal static class SandboxClockEndpoints
{
    public static void Map(IEndpointRouteBuilder sandbox)
    {
        sandbox.MapGet("/clock", (SandboxClock clock) => Results.Json(ClockView.From(clock), SandboxJson.Options));
        sandbox.MapPost("/clock", async (HttpContext context, SandboxClock clock, ILogger<SandboxClock> logger) =>
        {
            var (request, problem) = await SandboxRequestBody.ReadJsonAsync<ClockRequest>(context.Request);

            if (problem is not null)
            {
                return problem;
            }

            switch (request!)
            {
                case { Offset: { } offset, AdvanceBy: null }:
                    clock.SetOffset(offset);
                    break;
                case { Offset: null, AdvanceBy: { } duration } when duration >= TimeSpan.Zero:
                    clock.Advance(duration);
                    break;
                case { Offset: null, AdvanceBy: not null }:
                    return SandboxProblems.Invalid("advanceBy", "advanceBy must not be negative; set offset to move the clock back.");
                default:
                    return SandboxProblems.Invalid("offset", "Send exactly one of offset and advanceBy, as TimeSpan text such as \"1.01:00:00\".");
            }

            logger.LogInformation("Sandbox clock offset is now {ClockOffset}", clock.Offset);

            return Results.Json(ClockView.From(clock), SandboxJson.Options);
        });
    }

    private sealed record ClockRequest(TimeSpan? Offset, TimeSpan? AdvanceBy);

    private sealed record ClockView(DateTimeOffset Now, DateTimeOffset RealNow, TimeSpan Offset)
    {
        public static ClockView From(SandboxClock clock) => new(clock.UtcNow, clock.RealUtcNow, clock.Offset);
    }
}
