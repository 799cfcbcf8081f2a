using FastGlmm.Data.Frame;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Cli.Printing;

/// <summary>Prints confidence intervals as R's <c>confint()</c> does: one row per parameter, "2.5 %" and "97.5 %".</summary>
internal static class ConfidenceIntervalWriter
{
    public static void Write(TextWriter o, ModelFrame frame, FitResult fit, string method)
    {
        IReadOnlyList<ConfidenceInterval> ci = method.ToLowerInvariant() switch
        {
            "profile" => ProfileConfidence.Profile(frame, fit),
            "wald" => ProfileConfidence.Wald(fit),
            _ => throw new UserInputException($"--confint {method}: use profile or Wald"),
        };
        o.WriteLine();
        o.WriteLine($"Confidence intervals ({ci[0].Method}, 95%):");
        var lo = RFormat.Format(ci.Select(c => c.Lower).ToList(), 7);
        var hi = RFormat.Format(ci.Select(c => c.Upper).ToList(), 7);
        int w = ci.Max(c => c.Parameter.Length), wl = Math.Max(5, lo.Max(s => s.Length)), wh = Math.Max(6, hi.Max(s => s.Length));
        o.WriteLine($"{"".PadRight(w)} {"2.5 %".PadLeft(wl)} {"97.5 %".PadLeft(wh)}");
        for (int i = 0; i < ci.Count; i++) o.WriteLine($"{ci[i].Parameter.PadRight(w)} {lo[i].PadLeft(wl)} {hi[i].PadLeft(wh)}");
    }
}
