using FastGlmm.Data.Frame;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Cli.Bootstrap;

/// <summary>
/// The statistics recorded per replicate, named as broom.mixed names lme4's: every β (by its column name),
/// per random-effects term the SDs <c>sd_(Intercept)|herd</c> and correlations <c>cor_(Intercept).Days|Subject</c>
/// (from θ by <see cref="ThetaLayout.SdCorrelation"/>, with σ² = σ̂*² for LMMs and 1 for GLMMs), <c>sigma</c>
/// for LMMs, and <c>logLik</c>.
/// </summary>
internal sealed class BootstrapStatistics
{
    private readonly ThetaLayout _layout;
    private readonly int _p;
    private readonly bool _lmm;

    /// <summary>The statistics of the frame's model.</summary>
    public BootstrapStatistics(ModelFrame frame)
    {
        _layout = new ThetaLayout(frame.RandomTerms);
        _p = frame.X.Columns;
        _lmm = frame.Family.IsLinearMixedModel;
        var names = new List<string>(frame.X.ColumnNames);
        foreach (var term in frame.RandomTerms)
        {
            var c = term.ColumnNames;
            names.AddRange(c.Select(n => $"sd_{n}|{term.Group}"));
            for (int i = 0; i < c.Count; i++)
                for (int j = i + 1; j < c.Count; j++) names.Add($"cor_{c[i]}.{c[j]}|{term.Group}");
        }
        if (_lmm) names.Add("sigma");
        names.Add("logLik");
        Names = Unique(names);
    }

    /// <summary>The statistic names, in column order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The statistics of the fitted model.</summary>
    public double[] Original(FitResult fit) => Values(fit.Theta, fit.Beta, fit.Sigma ?? double.NaN, fit.LogLik);

    /// <summary>The statistics of one replicate (all NaN when its refit produced no estimates).</summary>
    public double[] Of(BootstrapReplicate r) =>
        r.Theta.Length != _layout.Count || r.Beta.Length != _p
            ? Enumerable.Repeat(double.NaN, Names.Count).ToArray()
            : Values(r.Theta, r.Beta, r.Sigma, r.LogLik);

    private double[] Values(double[] theta, double[] beta, double sigma, double logLik)
    {
        var v = new List<double>(Names.Count);
        v.AddRange(beta);
        double s2 = _lmm ? sigma * sigma : 1.0;
        for (int t = 0; t < _layout.TermCount; t++)
        {
            int q = _layout.Columns(t);
            var (sd, cor) = _layout.SdCorrelation(theta, t, s2);
            v.AddRange(sd);
            for (int i = 0; i < q; i++)
                for (int j = i + 1; j < q; j++) v.Add(cor[i * q + j]);
        }
        if (_lmm) v.Add(sigma);
        v.Add(logLik);
        return v.ToArray();
    }

    /// <summary>Makes repeated names unique (a second sd_x|g becomes sd_x|g.2), as a CSV header needs.</summary>
    private static string[] Unique(List<string> names)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new string[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            int k = seen.TryGetValue(names[i], out int c) ? c + 1 : 1;
            seen[names[i]] = k;
            result[i] = k == 1 ? names[i] : $"{names[i]}.{k}";
        }
        return result;
    }
}
