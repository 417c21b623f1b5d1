using System.Diagnostics;
using System.Globalization;
using KlmSocialPay.LoadDriver.Measurement;
using KlmSocialPay.LoadDriver.Product;

namespace KlmSocialPay.LoadDriver.Scenarios;

/// <summary>
/// Scenario E: a week of traffic (35,000 customer messages, a paid flow after every tenth) replayed as
/// fast as N clients can. Target: done in under a minute.
/// </summary>
public static class WeekReplayScenario
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromMinutes(5);

    public static async Task<ScenarioReport> Run(BenchContext context)
    {
        var options = context.Options;
        var report = new ScenarioReport("Scenario E: a week of traffic, replayed");
        var paidFlows = (options.EMessages + options.EPaidEvery - 1) / options.EPaidEvery;
        report.Setting($"{options.EMessages:N0} Messenger messages from {options.ECustomers:N0} customers; after every {options.EPaidEvery}th message " +
            $"the agent runs a paid flow in that conversation ({paidFlows:N0} flows); {options.EClients} clients back to back; " +
            $"stops after {TimeLimit.TotalMinutes:0} min at the latest");

        var recorder = new LatencyRecorder();
        var flow = new PaidFlow(context.Client, context.AgentKeys);
        var runId = Guid.NewGuid().ToString("N")[..8];
        async Task Replay(long sequence, long scheduled)
        {
            var psid = "74" + (sequence % options.ECustomers).ToString("D14", CultureInfo.InvariantCulture);
            var mid = $"m_e{runId}_{sequence}";
            if (!await context.Client.PostMessage(psid, mid, sequence, recorder))
            {
                return;
            }

            if (sequence % options.EPaidEvery == 0)
            {
                await flow.Run(psid, mid, sequence, Stopwatch.GetTimestamp(), recorder, writeFirst: false);
            }
        }

        BenchContext.Progress($"E: replaying {options.EMessages:N0} messages");
        var window = await context.Measure(() =>
            LoadRunner.RunClosedLoop(options.EClients, TimeLimit, options.EMessages, Replay, context.CancellationToken));

        var summaries = recorder.Summaries(window.Run.Elapsed);
        var messages = summaries.First(s => s.Operation == ProductClient.MessengerWebhook);
        var flows = summaries.FirstOrDefault(s => s.Operation == PaidFlow.CompleteFlow);
        var complete = messages.Count == options.EMessages && flows?.Count == paidFlows;
        var errors = recorder.TotalErrors + window.Run.Exceptions;

        report.Target("the week replayed in under 60 s", $"{window.Run.Elapsed.TotalSeconds:N1} s", complete && window.Run.Elapsed.TotalSeconds < 60);
        report.Target("every message and flow succeeded",
            $"{messages.Count:N0} of {options.EMessages:N0} messages, {flows?.Count ?? 0:N0} of {paidFlows:N0} flows, {errors:N0} errors",
            complete && errors == 0);
        report.Latencies($"Latency per call over {window.Run.Elapsed.TotalSeconds:0.0} s (the flow row counts from the order's creation):", summaries);
        window.Describe(report, window.Run.Elapsed);
        return report;
    }
}
