using FastGlmm.Model;
using ScottPlot;

namespace FastGlmm.Plots;

/// <summary>
/// lme4's <c>dotplot(ranef(fit, condVar = TRUE))</c>: for every grouping term, one panel per random-effect column
/// showing each level's conditional mode b̂ with the interval b̂ ± z·sd(b | y), z = Φ⁻¹((1 + level)/2), levels sorted
/// by the term's first column (the same order in each of the term's panels), a vertical line at 0.
/// </summary>
public static class CaterpillarPlot
{
    /// <summary>Level names are written on the axis up to this many levels; beyond it the axis numbers the ranks.</summary>
    public const int MaxLabeledLevels = 60;

    /// <summary>
    /// The figure: panels term by term, column by column; a term's columns side by side on a row of their own, or, when
    /// every term is scalar, the terms side by side, three to a row.
    /// </summary>
    /// <param name="effects">The fit's random effects (modes and conditional SDs, l·q + c for level l, column c).</param>
    /// <param name="level">The interval's coverage, in (0, 1).</param>
    public static Figure Create(IReadOnlyList<RandomEffectEstimates> effects, double level = 0.95)
    {
        if (effects.Count == 0) throw new UserInputException("the model has no random effects, so there is no caterpillar plot");
        if (!(level > 0 && level < 1)) throw new UserInputException($"the interval level must lie in (0, 1), not {level}");
        double z = Families.StandardNormal.Quantile(0.5 + level / 2);
        var panels = new List<Plot>();
        // Scalar terms side by side (up to three to a row); otherwise a row per term, its columns side by side.
        bool scalar = effects.All(e => e.Columns.Count == 1);
        int columns = scalar ? Math.Min(effects.Count, 3) : effects.Max(e => e.Columns.Count);
        for (int t = 0; t < effects.Count; t++)
        {
            var re = effects[t];
            int q = re.Columns.Count, n = re.Levels.Count;
            var order = Enumerable.Range(0, n).OrderBy(l => re.Modes[l * q]).ToArray();
            for (int c = 0; c < q; c++)
            {
                var p = Figure.Panel($"{re.Group}: {re.Columns[c]}", $"conditional mode ± {z:0.##}·condsd", n <= MaxLabeledLevels ? "" : "level (rank)");
                var xs = new double[n];
                var ys = new double[n];
                var err = new double[n];
                for (int r = 0; r < n; r++)
                {
                    int l = order[r];
                    xs[r] = re.Modes[l * q + c];
                    ys[r] = r;
                    err[r] = z * re.ConditionalSd[l * q + c];
                }
                p.Add.VerticalLine(0, 1, Figure.Reference, LinePattern.Dashed);
                var bars = new ScottPlot.Plottables.ErrorBar(xs, ys, err, err, null, null);
                p.Add.Plottable(bars);
                bars.Color = Figure.Ink.WithAlpha(0.6);
                bars.CapSize = 0;
                var pts = p.Add.ScatterPoints(xs, ys, Figure.Ink);
                pts.MarkerSize = 5;
                if (n <= MaxLabeledLevels)
                    p.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                        [.. ys], [.. order.Select(l => re.Levels[l])]);
                p.Axes.SetLimitsY(-1, n);
                panels.Add(p);
            }
            // The next term starts a new row of the grid.
            if (!scalar && t + 1 < effects.Count)
                for (int pad = q; pad < columns; pad++) panels.Add(Blank());
        }
        int height = Math.Clamp(80 + 14 * effects.Max(e => Math.Min(e.Levels.Count, MaxLabeledLevels * 2)), 300, 1200);
        return new Figure(panels, columns, 420, height);
    }

    private static Plot Blank()
    {
        var p = new Plot();
        p.HideAxesAndGrid();
        return p;
    }
}
