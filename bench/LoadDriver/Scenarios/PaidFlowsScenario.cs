using System.Globalization;
using KlmSocialPay.LoadDriver.Measurement;
using KlmSocialPay.LoadDriver.Product;

namespace KlmSocialPay.LoadDriver.Scenarios;

/// <summary>
/// Scenario B: complete paid flows (<see cref="PaidFlow"/>) at a fixed rate or from N clients back to back.
/// Targets: 300 flows/s, p99 of every API call at most 250 ms.
/// </summary>
public static class PaidFlowsScenario
{
    public static async Task<ScenarioReport> Run(BenchContext context)
    {
        var options = context.Options;
        var closedLoop = options.BClients > 0;
        var report = new ScenarioReport("Scenario B: complete paid flows");
        report.Setting(closedLoop
            ? $"{options.BClients} clients running flows back to back for {options.BSeconds:0} s"
            : $"open loop at {options.BRate:0} flows/s for {options.BSeconds:0} s, at most {options.BMaxInFlight} flows open");
        report.Setting($"each flow: Messenger webhook → create order → payment link (Stripe.net and Messenger send to the sandbox) → " +
            $"signed checkout.session.completed → read order (must be paid) → read notifications (must hold payment-received); " +
            $"flows spread over {context.AgentKeys.Count} agents; warm-up {options.WarmupSeconds:0} s at half the rate, not measured");

        await Warmup(context);

        var recorder = new LatencyRecorder();
        var flow = new PaidFlow(context.Client, context.AgentKeys);
        var runId = Guid.NewGuid().ToString("N")[..8];
        var duration = TimeSpan.FromSeconds(options.BSeconds);
        Task Start(long sequence, long scheduled) =>
            flow.Run(Psid(sequence), $"m_b{runId}_{sequence}", sequence, scheduled, recorder);

        BenchContext.Progress($"B: measuring for {options.BSeconds:0} s");
        var window = await context.Measure(() => closedLoop
            ? LoadRunner.RunClosedLoop(options.BClients, duration, long.MaxValue, Start, context.CancellationToken)
            : LoadRunner.RunAtRate(options.BRate, duration, options.BMaxInFlight, Start, context.CancellationToken));

        // Rates count over the whole window, the drain of the last flows included.
        var rateWindow = window.Run.Elapsed;
        var summaries = recorder.Summaries(rateWindow);
        var flows = summaries.First(s => s.Operation == PaidFlow.CompleteFlow);
        var calls = summaries.Where(s => s.Operation != PaidFlow.CompleteFlow).ToList();
        var worstCall = calls.MaxBy(s => s.P99)!;

        report.Target("300 complete flows/s", $"{flows.PerSecond:N1}/s", flows.PerSecond >= 300 * 0.99);
        report.Target("p99 ≤ 250 ms for every API call", $"worst: {worstCall.Operation} {worstCall.P99:N1} ms", calls.All(s => s.P99 <= 250));
        var errors = recorder.TotalErrors + window.Run.Exceptions;
        report.Target("no error", $"{errors:N0} errors", errors == 0);
        report.Latencies($"Latency per call (send to response read; the flow row counts from its scheduled start) over {rateWindow.TotalSeconds:0.0} s:", summaries);
        window.Describe(report, rateWindow);
        report.Note($"Grain state writes per complete flow: {(double)window.Storage.GrainStateWrites / Math.Max(1, flows.Count):0.0}; " +
            $"reminder writes per flow: {(double)window.Storage.ReminderWrites / Math.Max(1, flows.Count):0.0}.");
        if (flow.FullListReads > 0)
        {
            report.Note($"{flow.FullListReads:N0} notification reads fell back to the whole list.");
        }

        context.ProductStateWritesPerSecond = window.Storage.GrainStateWrites / rateWindow.TotalSeconds;
        context.ProductStateWritesSource = $"scenario B ({flows.PerSecond:N1} flows/s)";
        return report;
    }

    private static async Task Warmup(BenchContext context)
    {
        var options = context.Options;
        if (options.WarmupSeconds <= 0)
        {
            return;
        }

        BenchContext.Progress($"B: warm-up for {options.WarmupSeconds:0} s");
        var flow = new PaidFlow(context.Client, context.AgentKeys);
        var recorder = new LatencyRecorder();
        await LoadRunner.RunAtRate(Math.Max(1, options.BRate / 2), TimeSpan.FromSeconds(options.WarmupSeconds), options.BMaxInFlight,
            (sequence, scheduled) => flow.Run("78" + sequence.ToString("D14", CultureInfo.InvariantCulture), $"m_warm_{Guid.NewGuid():N}", sequence, scheduled, recorder),
            context.CancellationToken);
    }

    private static string Psid(long index) => "72" + index.ToString("D14", CultureInfo.InvariantCulture);
}
