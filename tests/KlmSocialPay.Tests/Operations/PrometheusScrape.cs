using KlmSocialPay.Tests.Infrastructure;

namespace KlmSocialPay.Tests.Operations;

internal static class PrometheusScrape
{
    /// <summary>
    /// Scrapes <c>/metrics</c> until a sample line starts with <paramref name="metric"/> and contains every
    /// label, for at most 10 s: the exporter caches a scrape for 300 ms, and some Orleans instruments report
    /// only after their first interval.
    /// </summary>
    public static Task<string> Line(HttpClient client, string metric, params string[] labels) =>
        Eventually.Get(async () =>
        {
            var text = await client.GetStringAsync("/metrics");
            return text.Split('\n').FirstOrDefault(line =>
                line.StartsWith(metric, StringComparison.Ordinal) && labels.All(label => line.Contains(label, StringComparison.Ordinal)));
        }, TimeSpan.FromSeconds(10), $"a sample of {metric} with {string.Join(", ", labels)}");
}
