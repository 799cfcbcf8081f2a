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
/// The Laplace approximation to −2 log L of a count mixed model (log link; the rows' likelihood an
/// <see cref="ICountRows"/>: nbinom2, nbinom1, zero-inflated Poisson) at (θ, β, extra), block by block: û_b maximizes
/// Σ_{i∈b} w_iℓ_i(η_i) − ‖u_b‖²/2, η = offset + Xβ + ZΛu, by Newton steps H⁻¹g with g = Λ'Z's − u and
/// H = Λ'Z'W_dZΛ + I (s_i the score, W_d a positive information: the observed one where it is positive), halved while
/// they do not raise the objective, until g'H⁻¹g ≤ 10⁻²⁰; then −2 log L ≈ Σ_b [−2Σ w_iℓ_i(û) + ‖û_b‖² + log det H_b],
/// with H_b at û by the observed information (glmmTMB's) or the rows' direction information (Fisher's, lme4's;
/// <see cref="LaplaceInformation"/>). Blocks run in parallel and are summed in block order, and each keeps its û as the
/// next evaluation's start.
/// </summary>
internal sealed class CountLaplace
{
    /// <summary>The largest block (random effects) this dense evaluator takes.</summary>
    public const int MaxBlockSize = 2000;

    private readonly GlmmProblem _p;
    private readonly LaplaceInformation _information;
    private readonly double[] _u, _factors, _zl, _eta0;
    private readonly ICountRows _rows;

    public CountLaplace(GlmmProblem problem, ICountRows rows, LaplaceInformation information)
    {
        _p = problem;
        _rows = rows;
        _information = information;
        _u = new double[problem.TotalRandomEffects];
        _factors = new double[problem.FactorOffsets[^1]];
        _zl = new double[(long)problem.N * problem.K];
        _eta0 = new double[problem.N];
        _work = new Work?[problem.BlockCount];
        for (int b = 0; b < problem.BlockCount; b++)
            if (problem.UOffsets[b + 1] - problem.UOffsets[b] > MaxBlockSize)
                throw new UserInputException($"{problem.Family}: block {b + 1} couples {problem.UOffsets[b + 1] - problem.UOffsets[b]} random effects (crossed factors); this count model's fit takes blocks of at most {MaxBlockSize}");
    }

    /// <summary>Below this many rows the blocks are evaluated on the calling thread.</summary>
    private const int ParallelRows = 20_000;

    /// <summary>
    /// The Newton iteration stops when g'H⁻¹g is at most this (10⁻²⁰: the Laplace terms exact to about 10⁻¹⁰, as
    /// finite-difference Hessians need; a refit to a coarse tolerance can take 10⁻¹⁴).
    /// </summary>
    public double Tolerance { get; init; } = 1e-20;

    /// <summary>A block's work arrays: u, H (m × m) and g, a trial point, and a second H and g.</summary>
    private sealed class Work(int m)
    {
        public readonly double[] U = new double[m], H = new double[m * m], G = new double[m], Trial = new double[m], H2 = new double[m * m], G2 = new double[m];
    }

    private readonly Work?[] _work;

    /// <summary>The modes û at the last evaluation (block after block).</summary>
    public double[] Modes => _u;

    /// <summary>The packed T_t(θ) of the last evaluation.</summary>
    public double[] Factors => _factors;

    /// <summary>Sets every mode to 0 (a cold start).</summary>
    public void ResetModes() => Array.Clear(_u);

    /// <summary>−2 log L by Laplace at θ, β and the rows' extra parameters; NaN where a block's Newton iteration fails.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta, ReadOnlySpan<double> extra)
    {
        var p = _p;
        _rows.Set(extra);
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
        // Small problems (a bootstrap's replicates already run in parallel) take their blocks in turn.
        if (p.N < ParallelRows) for (int b = 0; b < p.BlockCount; b++) parts[b] = Block(b);
        else Parallel.For(0, p.BlockCount, b => parts[b] = Block(b));
        double sum = 0;
        foreach (double d in parts) sum += d;
        return sum - 2 * _rows.Constant();
    }

    /// <summary>One block's −2 log L term: Newton to û_b, then −2Σwℓ + ‖û‖² + log det H.</summary>
    private double Block(int b)
    {
        int lo = _p.UOffsets[b], m = _p.UOffsets[b + 1] - lo;
        // Small blocks keep their work arrays between evaluations (a block is evaluated by one thread at a time).
        var w = m <= 64 ? _work[b] ??= new Work(m) : new Work(m);
        var u = w.U;
        _u.AsSpan(lo, m).CopyTo(u);
        var (h, g, trial, h2, g2) = (w.H, w.G, w.Trial, w.H2, w.G2);
        bool clippedNow;
        double f = Pass(b, u, h, g, Weighting.Newton, out clippedNow);
        bool factored = false;
        for (int iter = 0; iter < 200; iter++)
        {
            if (!double.IsFinite(f) || !DenseCholesky.Factor(h, m)) return double.NaN;
            var delta = (double[])g.Clone();
            DenseCholesky.SolveLower(h, m, delta);
            double decrease = 0;
            for (int j = 0; j < m; j++) decrease += delta[j] * delta[j];
            if (decrease <= Tolerance) { factored = true; break; }
            DenseCholesky.SolveUpperTransposed(h, m, delta);
            // The full step's pass assembles H and g too (it is usually accepted); halved steps only evaluate.
            double step = 1, ft = double.NaN;
            bool assembled = false, clippedTrial = false;
            for (int halving = 0; halving < 40; halving++, step /= 2)
            {
                for (int j = 0; j < m; j++) trial[j] = u[j] + step * delta[j];
                assembled = halving == 0;
                ft = Pass(b, trial, assembled ? h2 : null, assembled ? g2 : null, Weighting.Newton, out clippedTrial);
                if (ft <= f + 1e-12 * Math.Abs(f)) break;
            }
            if (!(ft <= f + 1e-12 * Math.Abs(f))) break;
            Array.Copy(trial, u, m);
            if (assembled) { (h, h2) = (h2, h); (g, g2) = (g2, g); f = ft; clippedNow = clippedTrial; }
            else f = Pass(b, u, h, g, Weighting.Newton, out clippedNow);
        }
        u.CopyTo(_u.AsSpan(lo, m));
        // The observed H at û is factored already when the iteration ended on its test with no weight clipped;
        // otherwise (or for Fisher's) it is assembled anew.
        if (!factored || clippedNow || _information == LaplaceInformation.Expected)
        {
            f = Pass(b, u, h, g, _information == LaplaceInformation.Observed ? Weighting.Observed : Weighting.Direction, out _);
            if (!double.IsFinite(f) || !DenseCholesky.Factor(h, m)) return double.NaN;
        }
        return f + DenseCholesky.LogDeterminant(h, m);
    }

    /// <summary>
    /// −2Σw·Row + ‖u‖² at u for block b (Σwℓ without its μ-free part); with <paramref name="h"/>, also
    /// H = Λ'Z'WZΛ + I (W by <paramref name="weighting"/>) and g = Λ'Z'ws − u; <paramref name="clipped"/> says whether a
    /// Newton pass replaced a nonpositive observed information.
    /// </summary>
    private double Pass(int b, double[] u, double[]? h, double[]? g, Weighting weighting, out bool clipped)
    {
        clipped = false;
        var p = _p;
        int kk = p.K, m = u.Length;
        if (h is not null) { Array.Clear(h); Array.Clear(g!); }
        double ll = 0;
        for (int i = p.RowOffsets[b]; i < p.RowOffsets[b + 1]; i++)
        {
            long o = (long)i * kk;
            double eta = _eta0[i];
            for (int e = 0; e < kk; e++) eta += _zl[o + e] * u[p.Slot[o + e]];
            double y = p.Y[i], w = p.Weights[i];
            ll += w * _rows.Row(i, y, eta, out double score, out double obs, out double dir);
            if (h is null) continue;
            double s = w * score;
            double wt = w * weighting switch
            {
                Weighting.Observed => obs,
                Weighting.Direction => dir,
                _ => obs > 0 ? obs : dir,
            };
            if (weighting == Weighting.Newton && !(obs > 0)) clipped = true;
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

    /// <summary>The weights of H: observed, direction (Fisher's), or for Newton steps the observed where positive.</summary>
    private enum Weighting { Newton, Observed, Direction }
}
