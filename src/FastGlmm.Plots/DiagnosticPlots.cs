using FastGlmm.Model;
using ScottPlot;

namespace FastGlmm.Plots;

/// <summary>
/// Residual diagnostics: lme4's <c>plot(fit)</c> (Pearson residuals against fitted values, with a line at 0) and
/// <c>qqmath(ranef(fit))</c> (a normal QQ plot of each random-effect column's conditional modes, with the line
/// through the quartiles, as R's <c>qqline</c>).
/// </summary>
public static class DiagnosticPlots
{
    /// <summary>Pearson residuals r_i against fitted values μ̂_i, i = 1…n, with a horizontal line at 0.</summary>
    /// <param name="fitted">μ̂ (length n).</param>
    /// <param name="pearson">The Pearson residuals (length n; for an LMM scaled by σ̂ as lme4's <c>residuals(fit, "pearson")</c>).</param>
    public static Figure Residuals(IReadOnlyList<double> fitted, IReadOnlyList<double> pearson)
    {
        if (fitted.Count != pearson.Count) throw new ArgumentException("fitted and residuals differ in length");
        if (fitted.Count == 0) throw new UserInputException("the fit has no rows to plot");
        var p = Figure.Panel("Pearson residuals against fitted values", "fitted", "Pearson residual");
        p.Add.HorizontalLine(0, 1, Figure.Reference, LinePattern.Dashed);
        var pts = p.Add.ScatterPoints(fitted.ToArray(), pearson.ToArray(), Figure.Ink.WithAlpha(fitted.Count > 2000 ? 0.3 : 0.8));
        pts.MarkerSize = fitted.Count > 2000 ? 2 : 4;
        return new Figure([p], 1, 640, 480);
    }

    /// <summary>
    /// Normal QQ plots of the conditional modes, one panel per term and column: the sorted modes b̂_(i) against
    /// Φ⁻¹(p_i) with R's <c>ppoints(n)</c>, p_i = (i − a)/(n + 1 − 2a), a = 3/8 for n ≤ 10 and 1/2 otherwise, and the
    /// line through the first and third quartiles of both.
    /// </summary>
    public static Figure QqModes(IReadOnlyList<RandomEffectEstimates> effects)
    {
        if (effects.Count == 0) throw new UserInputException("the model has no random effects, so there is no QQ plot of conditional modes");
        var panels = new List<Plot>();
        foreach (var re in effects)
        {
            int q = re.Columns.Count, n = re.Levels.Count;
            for (int c = 0; c < q; c++)
            {
                var y = Enumerable.Range(0, n).Select(l => re.Modes[l * q + c]).Order().ToArray();
                var x = Enumerable.Range(1, n).Select(i => Families.StandardNormal.Quantile(PPoint(i, n))).ToArray();
                var p = Figure.Panel($"{re.Group}: {re.Columns[c]}", "standard normal quantile", "conditional mode");
                // qqline: through (Φ⁻¹(¼), Q(¼)) and (Φ⁻¹(¾), Q(¾)), Q type 7 quantiles of the modes.
                var quartiles = OrderStatistics.QuantilesInPlace(y.ToArray(), [0.25, 0.75]);
                double q1 = quartiles[0], q3 = quartiles[1];
                double z1 = Families.StandardNormal.Quantile(0.25), z3 = Families.StandardNormal.Quantile(0.75);
                double slope = (q3 - q1) / (z3 - z1), icept = q1 - slope * z1;
                double lo = x[0] - 0.2, hi = x[^1] + 0.2;
                var line = p.Add.Line(lo, icept + slope * lo, hi, icept + slope * hi);
                line.Color = Figure.Reference;
                line.LinePattern = LinePattern.Dashed;
                line.MarkerSize = 0;
                var pts = p.Add.ScatterPoints(x, y, Figure.Ink);
                pts.MarkerSize = 5;
                panels.Add(p);
            }
        }
        return new Figure(panels, Math.Min(panels.Count, 3), 420, 380);
    }

    /// <summary>R's <c>ppoints(n)[i]</c> (1-based i).</summary>
    internal static double PPoint(int i, int n)
    {
        double a = n <= 10 ? 3.0 / 8 : 0.5;
        return (i - a) / (n + 1 - 2 * a);
    }
}
