using ScottPlot;

namespace FastGlmm.Plots;

/// <summary>One statistic's bootstrap replicates with its original estimate and percentile interval.</summary>
/// <param name="Name">The statistic (e.g. "(Intercept)", "sd_(Intercept)|herd").</param>
/// <param name="Original">The estimate from the original data, t₀.</param>
/// <param name="Replicates">The successful replicates' values t*₁ … t*_B (NaN values left out).</param>
/// <param name="Lower">The percentile interval's lower limit (type 7 quantile at (1 − level)/2).</param>
/// <param name="Upper">The percentile interval's upper limit (type 7 quantile at (1 + level)/2).</param>
public sealed record BootstrapDistribution(string Name, double Original, IReadOnlyList<double> Replicates, double Lower, double Upper);

/// <summary>
/// The bootstrap distributions: per statistic a histogram of the replicates (Sturges' number of bins,
/// ⌈log₂ B⌉ + 1, as R's <c>hist</c>), a solid line at the original estimate and dashed lines at the percentile
/// interval's limits.
/// </summary>
public static class BootstrapPlot
{
    /// <summary>The figure, one panel per statistic with replicates, three to a row.</summary>
    /// <param name="statistics">The statistics.</param>
    /// <param name="level">The level of the percentile interval, for the axis label.</param>
    public static Figure Create(IReadOnlyList<BootstrapDistribution> statistics, double level)
    {
        var panels = new List<Plot>();
        foreach (var s in statistics)
        {
            var v = s.Replicates.Where(double.IsFinite).ToArray();
            if (v.Length == 0) continue;
            var p = Figure.Panel(s.Name, $"replicates; {level * 100:0.##}% percentile interval dashed", "count");
            double min = v.Min(), max = v.Max();
            if (max == min) { min -= 0.5; max += 0.5; }
            int bins = (int)Math.Ceiling(Math.Log2(v.Length)) + 1;
            // The top edge a hair above the largest replicate, which a half-open last bin would leave out.
            var hist = ScottPlot.Statistics.Histogram.WithBinCount(bins, min, max + 1e-9 * (max - min));
            hist.AddRange(v);
            p.Add.Histogram(hist, Figure.Ink.WithAlpha(0.55));
            p.Add.VerticalLine(s.Original, 2, Figure.Reference, LinePattern.Solid);
            foreach (double limit in new[] { s.Lower, s.Upper })
                if (double.IsFinite(limit)) p.Add.VerticalLine(limit, 1.5f, Figure.Reference, LinePattern.Dashed);
            double lo = new[] { min, s.Original, s.Lower }.Where(double.IsFinite).Min(), hi = new[] { max, s.Original, s.Upper }.Where(double.IsFinite).Max();
            p.Axes.Margins(bottom: 0);
            p.Axes.SetLimitsX(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo));
            panels.Add(p);
        }
        if (panels.Count == 0) throw new UserInputException("no statistic has a successful replicate to plot");
        return new Figure(panels, Math.Min(3, panels.Count), 380, 300);
    }
}
