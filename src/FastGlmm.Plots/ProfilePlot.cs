using FastGlmm.Inference;
using ScottPlot;

namespace FastGlmm.Plots;

/// <summary>
/// lme4's <c>xyplot(profile(fit))</c>: one panel per parameter (.sig01, …, .sigma, β) with the signed root
/// ζ(c) = sign(c − v̂)·√(D(c) − D̂) of the profiled deviance against the parameter's value c, horizontal lines at
/// ζ = ±z (z = Φ⁻¹((1 + level)/2)) and vertical lines at the profile confidence limits where they are finite.
/// A profile that is a straight line is a quadratic deviance, where the Wald interval is exact.
/// </summary>
public static class ProfilePlot
{
    /// <summary>The figure, panels in the traces' order, three to a row.</summary>
    /// <param name="traces">The ζ profiles (<see cref="ProfileConfidence.Trace"/>).</param>
    /// <param name="level">The level the limits were computed at.</param>
    public static Figure Create(IReadOnlyList<ParameterProfile> traces, double level)
    {
        if (traces.Count == 0) throw new UserInputException("the model has no parameters to profile");
        double z = Families.StandardNormal.Quantile(0.5 + level / 2);
        var panels = new List<Plot>();
        foreach (var t in traces)
        {
            var p = Figure.Panel(t.Parameter, "value", "ζ");
            p.Add.HorizontalLine(z, 1, Figure.Reference.WithAlpha(0.6), LinePattern.Dotted);
            p.Add.HorizontalLine(-z, 1, Figure.Reference.WithAlpha(0.6), LinePattern.Dotted);
            foreach (double limit in new[] { t.Lower, t.Upper })
                if (double.IsFinite(limit)) p.Add.VerticalLine(limit, 1, Figure.Reference, LinePattern.Dashed);
            var xs = t.Points.Select(q => q.Value).ToArray();
            var ys = t.Points.Select(q => q.Zeta).ToArray();
            var line = p.Add.Scatter(xs, ys, Figure.Ink);
            line.MarkerSize = 4;
            line.LineWidth = 1.5f;
            panels.Add(p);
        }
        return new Figure(panels, Math.Min(3, panels.Count), 360, 300);
    }
}
