using FastGlmm.Families;
using FastGlmm.Linalg;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>Which information matrix a Laplace approximation's determinant uses.</summary>
public enum LaplaceInformation
{
    /// <summary>The observed Hessian of the joint log density in u (the exact Laplace approximation; glmmTMB's).</summary>
    Observed,
    /// <summary>Fisher's expected information, as lme4's PIRLS weights give it (lme4's glmer and glmer.nb).</summary>
    Expected,
}

/// <summary>
/// The Laplace approximation to −2 log L of a negative binomial (nbinom2, log link) mixed model at (θ, β, log k), block by
/// block: û_b maximizes Σ_{i∈b} w_iℓ_i(η_i) − ‖u_b‖²/2, η = offset + Xβ + ZΛu, by Newton steps H⁻¹g with
/// g = Λ'Z's − u, H = Λ'Z'W_obsZΛ + I (s_i, W_obs the score and observed information of <see cref="NegativeBinomial"/>),
/// halved while they do not raise the objective, until g'H⁻¹g ≤ 10⁻²⁰; then
/// −2 log L ≈ Σ_b [−2Σ w_iℓ_i(û) + ‖û_b‖² + log det H_b], with H_b at û by the observed information or Fisher's
/// (<see cref="LaplaceInformation"/>). Blocks run in parallel and are summed in block order, and each keeps its û
/// as the next evaluation's start.
/// </summary>
internal sealed class NegativeBinomialLaplace
{
    /// <summary>The largest block (random effects) this dense evaluator takes.</summary>
    public const int MaxBlockSize = 2000;

    private readonly GlmmProblem _p;
    private readonly LaplaceInformation _information;
    private readonly double[] _u, _factors, _zl, _eta0;
    private readonly (double Y, double Weight)[] _counts;

    public NegativeBinomialLaplace(GlmmProblem problem, LaplaceInformation information)
    {
        _p = problem;
        _information = information;
        _u = new double[problem.TotalRandomEffects];
        _factors = new double[problem.FactorOffsets[^1]];
        _zl = new double[(long)problem.N * problem.K];
        _eta0 = new double[problem.N];
        // The k-dependent constant Σ w[log Γ(y + k) − log Γ(k) − log y!] needs each distinct count once per evaluation.
        var byCount = new Dictionary<double, double>();
        for (int i = 0; i < problem.N; i++) byCount[problem.Y[i]] = byCount.GetValueOrDefault(problem.Y[i]) + problem.Weights[i];
        _counts = [.. byCount.OrderBy(c => c.Key).Select(c => (c.Key, c.Value))];
        for (int b = 0; b < problem.BlockCount; b++)
            if (problem.UOffsets[b + 1] - problem.UOffsets[b] > MaxBlockSize)
                throw new UserInputException($"nbinom2: block {b + 1} couples {problem.UOffsets[b + 1] - problem.UOffsets[b]} random effects (crossed factors); the negative binomial fit takes blocks of at most {MaxBlockSize}");
    }

    /// <summary>The modes û at the last evaluation (block after block).</summary>
    public double[] Modes => _u;

    /// <summary>The packed T_t(θ) of the last evaluation.</summary>
    public double[] Factors => _factors;

    /// <summary>Sets every mode to 0 (a cold start).</summary>
    public void ResetModes() => Array.Clear(_u);

    /// <summary>−2 log L by Laplace at θ, β and k; NaN where a block's Newton iteration fails.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta, double k)
    {
        var p = _p;
        p.FillFactors(theta, _factors);
        p.ZLambdaRows(0, p.N, _factors, _zl);
        int n = p.N;
        for (int i = 0; i < n; i++)
        {
            double e = p.Offset[i];
            for (int j = 0; j < p.P; j++) e += p.X[(long)j * n + i] * beta[j];
            _eta0[i] = e;
        }
        var parts = new double[p.BlockCount];
        Parallel.For(0, p.BlockCount, b => parts[b] = Block(b, k));
        double sum = 0;
        foreach (double d in parts) sum += d;
        // −2 Σ w[log Γ(y + k) − log Γ(k) − log y! + k log k], the part of Σ wℓ that does not depend on μ.
        double constant = 0;
        foreach (var (y, w) in _counts) constant += w * (NegativeBinomial.LogGammaRatio(y, k) - SpecialFunctions.LogGamma(y + 1));
        return sum - 2 * constant;
    }

    /// <summary>One block's −2 log L term: Newton to û_b, then −2Σwℓ + ‖û‖² + log det H.</summary>
    private double Block(int b, double k)
    {
        int lo = _p.UOffsets[b], m = _p.UOffsets[b + 1] - lo;
        var u = _u.AsSpan(lo, m).ToArray();
        var h = new double[m * m];
        var g = new double[m];
        var trial = new double[m];
        var h2 = new double[m * m];
        var g2 = new double[m];
        double f = Pass(b, u, k, h, g, observed: true);
        bool factored = false;
        for (int iter = 0; iter < 200; iter++)
        {
            if (!double.IsFinite(f) || !DenseCholesky.Factor(h, m)) return double.NaN;
            var delta = (double[])g.Clone();
            DenseCholesky.SolveLower(h, m, delta);
            double decrease = 0;
            for (int j = 0; j < m; j++) decrease += delta[j] * delta[j];
            if (decrease <= 1e-20) { factored = true; break; }
            DenseCholesky.SolveUpperTransposed(h, m, delta);
            // The full step's pass assembles H and g too (it is usually accepted); halved steps only evaluate.
            double step = 1, ft = double.NaN;
            bool assembled = false;
            for (int halving = 0; halving < 40; halving++, step /= 2)
            {
                for (int j = 0; j < m; j++) trial[j] = u[j] + step * delta[j];
                assembled = halving == 0;
                ft = Pass(b, trial, k, assembled ? h2 : null, assembled ? g2 : null, observed: true);
                if (ft <= f + 1e-12 * Math.Abs(f)) break;
            }
            if (!(ft <= f + 1e-12 * Math.Abs(f))) break;
            Array.Copy(trial, u, m);
            if (assembled) { (h, h2) = (h2, h); (g, g2) = (g2, g); f = ft; }
            else f = Pass(b, u, k, h, g, observed: true);
        }
        u.CopyTo(_u.AsSpan(lo, m));
        // The observed H at û is factored already when the iteration ended on its test; otherwise (or for Fisher's) anew.
        if (!factored || _information == LaplaceInformation.Expected)
        {
            f = Pass(b, u, k, h, g, observed: _information == LaplaceInformation.Observed);
            if (!double.IsFinite(f) || !DenseCholesky.Factor(h, m)) return double.NaN;
        }
        return f + DenseCholesky.LogDeterminant(h, m);
    }

    /// <summary>
    /// −2Σw[yη − y log(k + μ) − k log1p(μ/k)] + ‖u‖² at u for block b (Σwℓ without its μ-free part); with
    /// <paramref name="h"/>, also H = Λ'Z'WZΛ + I (W observed or Fisher) and g = Λ'Z'ws − u.
    /// </summary>
    private double Pass(int b, double[] u, double k, double[]? h, double[]? g, bool observed)
    {
        var p = _p;
        int kk = p.K, m = u.Length;
        if (h is not null) { Array.Clear(h); Array.Clear(g!); }
        double ll = 0, logK = Math.Log(k);
        for (int i = p.RowOffsets[b]; i < p.RowOffsets[b + 1]; i++)
        {
            long o = (long)i * kk;
            double eta = _eta0[i];
            for (int e = 0; e < kk; e++) eta += _zl[o + e] * u[p.Slot[o + e]];
            double mu = Math.Exp(eta), y = p.Y[i], w = p.Weights[i];
            // log(k + μ) = log k + log1p(μ/k): one logarithm per row.
            double l1 = StableMath.Log1p(mu / k);
            ll += w * ((y == 0 ? 0 : y * (eta - logK - l1)) - k * l1);
            if (h is null) continue;
            double s = w * NegativeBinomial.Score(y, mu, k);
            double wt = w * (observed ? NegativeBinomial.ObservedWeight(y, mu, k) : NegativeBinomial.ExpectedWeight(mu, k));
            for (int e = 0; e < kk; e++)
            {
                double ze = _zl[o + e];
                int se = p.Slot[o + e];
                g![se] += ze * s;
                double we = wt * ze;
                for (int c = 0; c < kk; c++) h[p.Slot[o + c] * m + se] += we * _zl[o + c];
            }
        }
        double uu = 0;
        for (int j = 0; j < m; j++) uu += u[j] * u[j];
        if (h is not null)
            for (int j = 0; j < m; j++)
            {
                h[j * m + j] += 1;
                g![j] -= u[j];
            }
        return -2 * ll + uu;
    }
}
