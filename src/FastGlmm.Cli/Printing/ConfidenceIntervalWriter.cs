using System.Globalization;
using FastGlmm.Data.Frame;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Cli.Printing;

/// <summary>
/// Prints confidence intervals as R prints lme4's <c>confint()</c> matrix: one row per parameter (.sig01, …, .sigma,
/// then the fixed effects), the columns named by the tail probabilities as lme4 names them ("2.5 %" and "97.5 %" at
/// level 0.95), each column formatted on its own to 7 significant digits, NA where lme4 has no limit.
/// </summary>
internal static class ConfidenceIntervalWriter
{
    /// <summary>
    /// Computes the <paramref name="method"/> intervals ("profile" or "Wald", any case) at <paramref name="level"/> and
    /// prints them on <paramref name="o"/>; a profile limit that could not be computed is NA, with a warning on
    /// <paramref name="warnings"/>.
    /// </summary>
    public static void Write(TextWriter o, TextWriter warnings, ModelFrame frame, FitResult fit, string method, double level) =>
        Write(o, warnings, Compute(frame, fit, method, level), level);

    /// <summary>The <paramref name="method"/> intervals ("profile" or "Wald", any case) at <paramref name="level"/>.</summary>
    public static IReadOnlyList<ConfidenceInterval> Compute(ModelFrame frame, FitResult fit, string method, double level) =>
        method.ToLowerInvariant() switch
        {
            "profile" => ProfileConfidence.Profile(frame, fit, level),
            "wald" => ProfileConfidence.Wald(fit, level),
            _ => throw new UserInputException($"--confint {method}: use profile or Wald"),
        };

    /// <summary>Prints computed intervals, as <see cref="Write(TextWriter, TextWriter, ModelFrame, FitResult, string, double)"/>.</summary>
    public static void Write(TextWriter o, TextWriter warnings, IReadOnlyList<ConfidenceInterval> ci, double level)
    {
        var (left, right) = Headers(level);
        o.WriteLine();
        o.WriteLine($"Confidence intervals ({ci[0].Method}, {Math.Round(100 * level, 10).ToString(CultureInfo.InvariantCulture)}%):");
        var lo = Column(ci.Select(c => c.Lower).ToList());
        var hi = Column(ci.Select(c => c.Upper).ToList());
        int w = ci.Max(c => c.Parameter.Length);
        int wl = Math.Max(left.Length, lo.Max(s => s.Length)), wh = Math.Max(right.Length, hi.Max(s => s.Length));
        o.WriteLine($"{"".PadRight(w)} {left.PadLeft(wl)} {right.PadLeft(wh)}");
        for (int i = 0; i < ci.Count; i++) o.WriteLine($"{ci[i].Parameter.PadRight(w)} {lo[i].PadLeft(wl)} {hi[i].PadLeft(wh)}");
        if (ci[0].Method != "profile") return;
        foreach (var c in ci)
            foreach (var (limit, side) in new[] { (c.Lower, "lower"), (c.Upper, "upper") })
                if (double.IsNaN(limit))
                    warnings.WriteLine($"warning: the profile of {c.Parameter} failed numerically before reaching its {side} limit " +
                        $"at level {level.ToString(CultureInfo.InvariantCulture)}; that limit is NA (a lower level may be computable)");
    }

    /// <summary>
    /// lme4's column names for <paramref name="level"/>: with a = (1 − level)/2, <c>format.perc(c(a, 1 − a), 3)</c>, i.e.
    /// <c>paste(format(100 * c(a, 1 − a), trim = TRUE, scientific = FALSE, digits = 3), "%")</c> ("2.5 %", "97.5 %").
    /// </summary>
    public static (string Lower, string Upper) Headers(double level)
    {
        double a = (1 - level) / 2;
        var s = RFormat.FormatFixedTrimmed([100 * a, 100 * (1 - a)], 3);
        return (s[0] + " %", s[1] + " %");
    }

    /// <summary>One column as R prints a numeric matrix column: the finite values formatted together, NA for NaN.</summary>
    private static string[] Column(IReadOnlyList<double> values)
    {
        var shown = values.Where(v => !double.IsNaN(v)).ToList();
        var text = shown.Count > 0 ? RFormat.Format(shown, 7) : [];
        var result = new string[values.Count];
        for (int i = 0, k = 0; i < values.Count; i++) result[i] = double.IsNaN(values[i]) ? "NA" : text[k++].Trim();
        return result;
    }
}
