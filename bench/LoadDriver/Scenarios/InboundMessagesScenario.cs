using System.Globalization;
using KlmSocialPay.LoadDriver.Measurement;
using KlmSocialPay.LoadDriver.Product;

namespace KlmSocialPay.LoadDriver.Scenarios;

/// <summary>
/// Scenario A: signed Messenger message webhooks, each with a new mid, spread over many PSIDs, at a fixed
/// rate (or from N clients back to back). Targets: 2,000 webhooks/s for 60 s, p99 time to 2xx at most 50 ms, no error.
/// </summary>
public static class InboundMessagesScenario
{
    private const string FromSchedule = "POST /webhooks/messenger, from scheduled start";

    public static async Task<ScenarioReport> Run(BenchContext context)
    {
        var options = context.Options;
        var closedLoop = options.AClients > 0;
        var report = new ScenarioReport("Scenario A: inbound Messenger messages");
        report.Setting(closedLoop
            ? $"{options.AClients} clients back to back for {options.ASeconds:0} s"
            : $"open loop at {options.ARate:0} webhooks/s for {options.ASeconds:0} s, at most {options.AMaxInFlight} open calls");
        report.Setting($"{options.APsids:N0} PSIDs in turn, a new mid per webhook, one text message per body; " +
            $"warm-up {options.WarmupSeconds:0} s at half the rate, not measured");

        await Warmup(context);

        var recorder = new LatencyRecorder();
        var runId = Guid.NewGuid().ToString("N")[..8];
        var duration = TimeSpan.FromSeconds(options.ASeconds);
        async Task Send(long sequence, long scheduled)
        {
            var psid = Psid(sequence % options.APsids);
            if (await context.Client.PostMessage(psid, $"m_a{runId}_{sequence}", sequence, recorder))
            {
                recorder.Success(FromSchedule, LatencyRecorder.ElapsedMilliseconds(scheduled));
            }
        }

        BenchContext.Progress($"A: measuring for {options.ASeconds:0} s");
        var window = await context.Measure(() => closedLoop
            ? LoadRunner.RunClosedLoop(options.AClients, duration, long.MaxValue, Send, context.CancellationToken)
            : LoadRunner.RunAtRate(options.ARate, duration, options.AMaxInFlight, Send, context.CancellationToken));

        // Rates count over the whole window, the drain of the last calls included.
        var summaries = recorder.Summaries(window.Run.Elapsed);
        var webhook = summaries.First(s => s.Operation == ProductClient.MessengerWebhook);
        var latency = closedLoop ? webhook : summaries.FirstOrDefault(s => s.Operation == FromSchedule) ?? webhook;

        report.Target("2,000 webhooks/s answered 2xx", $"{webhook.PerSecond:N0}/s", webhook.PerSecond >= 2000 * 0.99);
        report.Target("p99 time to 2xx ≤ 50 ms", $"{latency.P99:N1} ms ({(closedLoop ? "service time" : "from scheduled start")})", latency.P99 <= 50);
        var errors = recorder.TotalErrors + window.Run.Exceptions;
        report.Target("no error", $"{errors:N0} errors", errors == 0);
        report.Latencies($"Latency over {window.Run.Elapsed.TotalSeconds:0.0} s ({window.Run.StartPhase.TotalSeconds:0.0} s of starts, {window.Run.Started:N0} calls started, " +
            $"{window.Run.LateStarts:N0} waited for a free slot):", summaries);
        window.Describe(report, window.Run.Elapsed);
        report.Note($"Grain state writes per webhook: {(double)window.Storage.GrainStateWrites / Math.Max(1, webhook.Count):0.00}.");
        return report;
    }

    private static async Task Warmup(BenchContext context)
    {
        var options = context.Options;
        if (options.WarmupSeconds <= 0)
        {
            return;
        }

        BenchContext.Progress($"A: warm-up for {options.WarmupSeconds:0} s");
        var recorder = new LatencyRecorder();
        await LoadRunner.RunAtRate(options.ARate / 2, TimeSpan.FromSeconds(options.WarmupSeconds), options.AMaxInFlight,
            (sequence, _) => context.Client.PostMessage("79" + sequence.ToString("D14", CultureInfo.InvariantCulture), $"m_warm_{Guid.NewGuid():N}", sequence, recorder),
            context.CancellationToken);
    }

    private static string Psid(long index) => "71" + index.ToString("D14", CultureInfo.InvariantCulture);
}
