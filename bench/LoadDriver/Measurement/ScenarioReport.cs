using System.Globalization;
using System.Text;

namespace KlmSocialPay.LoadDriver.Measurement;

/// <summary>The outcome of one scenario: its settings, each target beside the measured figure, tables and notes.</summary>
public sealed class ScenarioReport(string title)
{
    private readonly List<string> settings = [];
    private readonly List<(string Target, string Measured, bool? Met)> targets = [];
    private readonly List<(string Caption, string[] Headers, List<string[]> Rows)> tables = [];
    private readonly List<string> notes = [];

    public string Title => title;

    public void Setting(string text) => settings.Add(text);

    /// <summary>Adds a target with its measured figure; <paramref name="met"/> is null where the run cannot judge it.</summary>
    public void Target(string target, string measured, bool? met) => targets.Add((target, measured, met));

    public void Note(string text) => notes.Add(text);

    public void Table(string caption, string[] headers, IEnumerable<string[]> rows) => tables.Add((caption, headers, rows.ToList()));

    /// <summary>Adds the latency table of <paramref name="summaries"/>, with the error reasons as notes.</summary>
    public void Latencies(string caption, IEnumerable<OperationSummary> summaries)
    {
        var list = summaries.ToList();
        Table(caption,
            ["operation", "ok", "errors", "ok/s", "p50 ms", "p95 ms", "p99 ms", "max ms"],
            list.Select(s => new[]
            {
                s.Operation, Count(s.Count), Count(s.Errors), Number(s.PerSecond, 1),
                Number(s.P50, 1), Number(s.P95, 1), Number(s.P99, 1), Number(s.Max, 1),
            }));
        foreach (var summary in list.Where(s => s.Errors > 0))
        {
            Note($"Errors of {summary.Operation}: " + string.Join(", ", summary.ErrorReasons.Select(pair => $"{pair.Key} × {pair.Value}")));
        }
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine($"### {title}").AppendLine();
        foreach (var setting in settings)
        {
            text.AppendLine($"- {setting}");
        }

        if (settings.Count > 0)
        {
            text.AppendLine();
        }

        if (targets.Count > 0)
        {
            AppendTable(text, ["target", "measured", "met"], targets.Select(t => new[] { t.Target, t.Measured, t.Met switch { true => "yes", false => "**no**", null => "n/a" } }));
        }

        foreach (var (caption, headers, rows) in tables)
        {
            text.AppendLine(caption).AppendLine();
            AppendTable(text, headers, rows);
        }

        foreach (var note in notes)
        {
            text.AppendLine($"- {note}");
        }

        return text.AppendLine().ToString();
    }

    public static string Number(double value, int decimals) =>
        double.IsNaN(value) ? "–" : value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024.0:N0} MiB";

    private static void AppendTable(StringBuilder text, string[] headers, IEnumerable<string[]> rows)
    {
        text.AppendLine("| " + string.Join(" | ", headers) + " |");
        text.AppendLine("|" + string.Join("|", headers.Select((_, i) => i == 0 ? "---" : "---:")) + "|");
        foreach (var row in rows)
        {
            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        text.AppendLine();
    }
}
