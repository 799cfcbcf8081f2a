using FastGlmm.Families;

namespace FastGlmm.Model;

/// <summary>
/// A fit's per-observation values, in input-row order (ascending data row), each computed from the model and the
/// estimates (θ̂, β̂, û) on first use and then kept: for a fit of 10⁸ rows nothing per row is held unless asked for.
/// μ̂_i = g⁻¹(η_i) with η_i the conditional linear predictor; residuals y − μ̂, (y − μ̂)√(w/V(μ̂))/σ (σ = 1 for
/// GLMMs), sign(y − μ̂)√d_i. Safe to read from several threads.
/// </summary>
public sealed class FitRows
{
    private readonly GlmmProblem? _problem;
    private readonly double[] _factors = [], _beta = [], _u = [];
    private readonly double _sigma = 1;
    private readonly Family? _family;
    private readonly double[]? _zero;
    private readonly bool _hurdle;
    private readonly Lazy<int[]> _rank, _inputRows;
    private readonly Lazy<double[]> _fitted, _response, _pearson, _deviance;

    /// <summary>No rows (what <c>fit --json</c> writes without <c>--json-rows</c>).</summary>
    public static FitRows Empty { get; } = new();

    private FitRows()
    {
        _rank = new(() => []);
        _inputRows = new(() => []);
        _fitted = _response = _pearson = _deviance = new(() => []);
    }

    /// <summary>
    /// The rows of <paramref name="problem"/> at the packed factors T(θ̂), β̂, û and the residual σ̂ (1 for a GLMM);
    /// <paramref name="family"/> when the problem's family has a parameter of the fit (the negative binomial's k̂).
    /// </summary>
    internal FitRows(GlmmProblem problem, double[] factors, double[] beta, double[] u, double sigma, Family? family = null,
        double[]? zeroProbability = null, bool hurdle = false)
    {
        (_problem, _factors, _beta, _u, _sigma, _family, _zero, _hurdle) = (problem, factors, beta, u, sigma, family, zeroProbability, hurdle);
        _rank = new(Rank);
        _inputRows = new(SortedInputRows);
        _fitted = new(() => Compute(Kind.Fitted));
        _response = new(() => Compute(Kind.Response));
        _pearson = new(() => Compute(Kind.Pearson));
        _deviance = new(() => Compute(Kind.Deviance));
    }

    /// <summary>Number of rows n.</summary>
    public int Count => _problem?.N ?? 0;

    /// <summary>0-based data row of each observation, ascending.</summary>
    public int[] InputRows => _inputRows.Value;

    /// <summary>Fitted means μ̂ (conditional on b̂).</summary>
    public double[] Fitted => _fitted.Value;

    /// <summary>y − μ̂.</summary>
    public double[] ResidualsResponse => _response.Value;

    /// <summary>(y − μ̂)√(w/V(μ̂))/σ̂ (lme4's scaled residuals for LMMs).</summary>
    public double[] ResidualsPearson => _pearson.Value;

    /// <summary>sign(y − μ̂)√d_i.</summary>
    public double[] ResidualsDeviance => _deviance.Value;

    /// <summary>
    /// Type-7 quantiles of the Pearson residuals (lme4's "Scaled residuals" line), from a temporary array in the
    /// model's row order (order does not matter to quantiles), so that nothing per row is kept afterwards.
    /// </summary>
    public double[] PearsonQuantiles(params double[] probs)
    {
        if (_problem is null) return OrderStatistics.QuantilesInPlace([], probs);
        var values = _pearson.IsValueCreated ? (double[])_pearson.Value.Clone() : Compute(Kind.Pearson, inputOrder: false);
        return OrderStatistics.QuantilesInPlace(values, probs);
    }

    private enum Kind { Fitted, Response, Pearson, Deviance }

    /// <summary>One value per frame row, written at the row's rank in input order (or at the row itself).</summary>
    private double[] Compute(Kind kind, bool inputOrder = true)
    {
        var prob = _problem!;
        var fam = _family ?? Family.For(prob.Family);
        var rank = inputOrder ? _rank.Value : null;
        var result = new double[prob.N];
        Span<double> zl = stackalloc double[Math.Max(1, prob.K)];
        for (int b = 0; b < prob.BlockCount; b++)
        {
            int lo = prob.UOffsets[b];
            for (int i = prob.RowOffsets[b]; i < prob.RowOffsets[b + 1]; i++)
            {
                double m = fam.LinkInverse(prob.ConditionalEta(i, lo, _factors, _beta, _u, zl)), y = prob.Y[i];
                if (_zero is { } zero)
                {
                    // Zero inflation (glmmTMB's): mean (1 − π)μ, variance (1 − π)(V(μ) + πμ²); a hurdle: mean (1 − π)μ/(1 − p₀),
                    // E y² = (1 − π)(V(μ) + μ²)/(1 − p₀); no deviance residuals for either.
                    double pi = zero[i], mean, v;
                    if (_hurdle)
                    {
                        double keep = 1 - Math.Exp(fam.LogDensity(0, m, 1, fam.Size));
                        mean = (1 - pi) * m / keep;
                        v = (1 - pi) * (fam.Variance(m) + m * m) / keep - mean * mean;
                    }
                    else (mean, v) = ((1 - pi) * m, (1 - pi) * (fam.Variance(m) + pi * m * m));
                    result[rank?[i] ?? i] = kind switch
                    {
                        Kind.Fitted => mean,
                        Kind.Response => y - mean,
                        Kind.Pearson => (y - mean) * Math.Sqrt(prob.Weights[i] / v),
                        _ => double.NaN,
                    };
                    continue;
                }
                result[rank?[i] ?? i] = kind switch
                {
                    Kind.Fitted => m,
                    Kind.Response => y - m,
                    Kind.Pearson => (y - m) * Math.Sqrt(prob.Weights[i] / fam.Variance(m)) / _sigma,
                    _ => Math.Sign(y - m) * Math.Sqrt(Math.Max(0, fam.DevianceResidual(y, m, prob.Weights[i]))),
                };
            }
        }
        return result;
    }

    /// <summary>Each frame row's position in input order: a counting pass over the input rows (no sort).</summary>
    private int[] Rank()
    {
        var input = _problem!.Frame.InputRow;
        var at = new int[_problem.Frame.InputRowCount];
        for (int i = 0; i < input.Length; i++) at[input[i]] = i + 1;
        var rank = new int[input.Length];
        for (int j = 0, pos = 0; j < at.Length; j++)
            if (at[j] != 0) rank[at[j] - 1] = pos++;
        return rank;
    }

    private int[] SortedInputRows()
    {
        var input = _problem!.Frame.InputRow;
        var rank = _rank.Value;
        var sorted = new int[input.Length];
        for (int i = 0; i < input.Length; i++) sorted[rank[i]] = input[i];
        return sorted;
    }
}
