using System.Globalization;
using FastGlmm.Cli.Printing;

namespace FastGlmm.Cli.Bootstrap;

/// <summary>One statistic's bootstrap summary (NaN where no successful replicate has a value).</summary>
internal sealed record StatisticSummary(string Name, double Original, int N, double Mean, double Bias, double StdError,
    double PercentileLower, double PercentileUpper, double BasicLower, double BasicUpper);

/// <summary>
/// The bootstrap summary: per statistic the original estimate, the mean of the successful replicates, the bias
/// (mean − original), the bootstrap standard error (their SD, n − 1), and the percentile interval (R's type-7
/// quantiles at (1 ∓ level)/2) and basic interval (2·original − the upper and lower quantiles); then the
/// failed replicates with their distinct reasons, never silently.
/// </summary>
internal static class BootstrapSummary
{
    /// <summary>R's <c>quantile(x, p, type = 7)</c> of sorted values, with R's arithmetic: (1 − h)·x[lo] + h·x[hi].</summary>
    public static double Quantile7(IReadOnlyList<double> sorted, double p)
    {
        int n = sorted.Count;
        if (n == 0) return double.NaN;
        double index = 1 + (n - 1) * p;
        int lo = (int)Math.Floor(index), hi = (int)Math.Ceiling(index);
        double qs = sorted[lo - 1];
        double h = index - lo;
        return index > lo && sorted[hi - 1] != qs ? (1 - h) * qs + h * sorted[hi - 1] : qs;
    }

    /// <summary>The summary of every statistic over the successful replicates.</summary>
    public static StatisticSummary[] Compute(BootstrapRun run, double level)
    {
        double a = (1 - level) / 2;
        var ok = run.Rows.Where(r => r.Ok).ToArray();
        return run.Statistics.Select((name, j) =>
        {
            var v = ok.Select(r => r.Values[j]).Where(x => !double.IsNaN(x)).Order().ToArray();
            double t0 = run.Original[j];
            double mean = v.Length > 0 ? v.Average() : double.NaN;
            double se = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : double.NaN;
            double lo = Quantile7(v, a), hi = Quantile7(v, 1 - a);
            return new StatisticSummary(name, t0, v.Length, mean, mean - t0, se, lo, hi, 2 * t0 - hi, 2 * t0 - lo);
        }).ToArray();
    }

    /// <summary>Prints the header, the table of statistics and the failed-replicates report.</summary>
    public static void Write(TextWriter o, BootstrapRun run, double level, string? timing = null)
    {
        var m = run.Metadata;
        int ok = run.Rows.Count(r => r.Ok);
        o.WriteLine($"Parametric bootstrap (lme4's bootMer): B = {m.B}, seed = {m.Seed}");
        o.WriteLine($"Formula: {m.Formula}");
        o.WriteLine($" Family: {m.Family}   Method: {m.Method}   Data: {m.Data}" + (m.Weights.Length > 0 ? $"   Weights: {m.Weights}" : ""));
        string shard = m.Shard is "all" or "merged" ? "" : m.Shard == BootstrapMetadata.Interrupted("all") ? " (interrupted)" : $" (shard {m.Shard})";
        o.WriteLine($"Replicates: {run.Rows.Count} of {m.B}{shard}: {BootstrapRun.Ranges(run.Rows.Select(r => r.Replicate))}; {ok} succeeded");
        if (run.Rows.Count < m.B && (m.Shard is "merged" || m.Shard == BootstrapMetadata.Interrupted("all")))
            o.WriteLine($"Missing replicates: {m.B - run.Rows.Count} of {m.B}: {BootstrapRun.Ranges(Missing(run))}");
        if (timing is not null) o.WriteLine(timing);
        o.WriteLine();
        string pct = (level * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%";
        string lo = FormatProbability((1 - level) / 2), hi = FormatProbability((1 + level) / 2);
        o.WriteLine($"{pct} intervals: percentile = type-7 quantiles {lo} and {hi} of the replicates; basic = 2·original − those quantiles");
        WriteTable(o, Compute(run, level));
        o.WriteLine();
        WriteFailures(o, run);
    }

    /// <summary>"Failed replicates: k of B" and one line per distinct reason with its count, most frequent first.</summary>
    public static void WriteFailures(TextWriter o, BootstrapRun run)
    {
        var failed = run.Rows.Where(r => !r.Ok).ToArray();
        o.WriteLine($"Failed replicates: {failed.Length} of {run.Rows.Count}" +
            (failed.Length > 0 ? " (left out of the statistics above)" : ""));
        foreach (var g in failed.GroupBy(r => r.Failure!).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            o.WriteLine($"  {g.Count(),5} × {g.Key} (replicates {Abbreviate(BootstrapRun.Ranges(g.Select(r => r.Replicate)))})");
    }

    /// <summary>The replicate indices in [0, B) that the run does not hold.</summary>
    public static IEnumerable<long> Missing(BootstrapRun run)
    {
        var have = run.Rows.Select(r => r.Replicate).ToHashSet();
        for (long r = 0; r < run.Metadata.B; r++)
            if (!have.Contains(r)) yield return r;
    }

    private static void WriteTable(TextWriter o, StatisticSummary[] s)
    {
        string[] headers = ["original", "mean", "bias", "std.error", "perc.lower", "perc.upper", "basic.lower", "basic.upper"];
        Func<StatisticSummary, double>[] cols =
        [
            x => x.Original, x => x.Mean, x => x.Bias, x => x.StdError,
            x => x.PercentileLower, x => x.PercentileUpper, x => x.BasicLower, x => x.BasicUpper,
        ];
        // R's print of a numeric matrix: each column formatted on its own (format(x, digits = 4)).
        var formatted = cols.Select(f => RFormat.Format(s.Select(f).ToArray(), 4)).ToArray();
        var rows = s.Select((_, i) => (IReadOnlyList<string>)formatted.Select(c => c[i].Trim() == "NaN" ? "NA" : c[i]).ToArray()).ToList();
        TextMatrix.Write(o, s.Select(x => x.Name).ToArray(), headers, rows, right: true);
    }

    private static string FormatProbability(double p) => RFormat.Round(p, 10).ToString("0.##########", CultureInfo.InvariantCulture);

    private static string Abbreviate(string ranges) => ranges.Length <= 60 ? ranges : ranges[..ranges.LastIndexOf(',', 60)] + ", …";
}
