using FastGlmm.Model;

namespace FastGlmm.Cli.Printing;

/// <summary>
/// The Monte Carlo section of an MCML fit's summary: the sample (blocks, m, seed, mixture, re-centrings), the
/// log-likelihood's MCSE and the effective sample sizes, and a table of every estimate with its standard error
/// from the MCLA Hessian and its Monte Carlo standard error (variances as glmm reports them, ν).
/// </summary>
internal static class MonteCarloWriter
{
    /// <summary>Writes the section.</summary>
    public static void Write(TextWriter o, MonteCarloReport r, int digits, string backend)
    {
        o.WriteLine();
        o.WriteLine("Monte Carlo likelihood approximation (importance sampling per independent block):");
        o.WriteLine($" {r.Blocks} blocks, m = {r.DrawsPerBlock} draws per block ({r.TotalDraws} in all), seed {r.Seed}, " +
            $"{r.Recentrings} re-centring{(r.Recentrings == 1 ? "" : "s")}, importance weights on the {backend} backend");
        o.WriteLine($" mixture: {r.MixtureWeights[0]:G3} t5 + {r.MixtureWeights[1]:G3} Laplace normal + {r.MixtureWeights[2]:G3} prior normal");
        o.WriteLine($" logLik MCSE: {RFormat.Format(r.LogLikMcse, digits).Trim()}   (Laplace logLik at the start: {RFormat.Format(r.LaplaceLogLik, 8).Trim()})");
        o.WriteLine($" effective sample size per block: min {r.MinEffectiveSampleSize:F0}, median {r.MedianEffectiveSampleSize:F0}");
        o.WriteLine();
        var rows = r.Parameters.Select(q => q.Kind == "fixed" ? q.Name : $"{q.Name} ({q.Kind})").ToList();
        string[] Column(Func<MonteCarloParameter, double> f) => r.Parameters.Select(q => RFormat.Format(f(q), digits).Trim()).ToArray();
        var est = Column(q => q.Estimate);
        var se = Column(q => q.StandardError);
        var mcse = Column(q => q.MonteCarloSe);
        var cells = Enumerable.Range(0, rows.Count)
            .Select(i => (IReadOnlyList<string>)new[] { est[i], se[i], mcse[i] }).ToList();
        TextMatrix.Write(o, rows, ["Estimate", "Std. Error", "MCSE"], cells, right: true);
    }
}
