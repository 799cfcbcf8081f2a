using System.Runtime.Intrinsics;
using FastGlmm.Linalg;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>One evaluation of the profiled LMM deviance at θ.</summary>
/// <param name="Deviance">The ML deviance or REML criterion.</param>
/// <param name="LogDetL">log det(Λ'Z'WZΛ + I).</param>
/// <param name="LogDetRX">log det(R_X R_X').</param>
/// <param name="PenalizedRss">r², the penalized weighted residual sum of squares.</param>
/// <param name="Beta">β̂(θ), length p.</param>
/// <param name="RX">The lower Cholesky factor of X'WX − R_ZX'R_ZX (p × p, column-major).</param>
public sealed record LmmEvaluation(double Deviance, double LogDetL, double LogDetRX, double PenalizedRss, double[] Beta, double[] RX)
{
    /// <summary>
    /// r²(θ, β) = min_u ‖W^½(y − Xβ − ZΛu)‖² + ‖u‖² at this θ and a given β (length p): the penalized least-squares
    /// problem is quadratic in (u, β), so r²(θ, β) = r² + ‖R_X'(β − β̂)‖² with r² = <see cref="PenalizedRss"/>.
    /// </summary>
    public double PenalizedRssAt(ReadOnlySpan<double> beta)
    {
        int p = Beta.Length;
        double s = PenalizedRss;
        for (int j = 0; j < p; j++)
        {
            // (R_X'(β − β̂))_j = Σ_{k ≥ j} R_X[k, j](β_k − β̂_k) with R_X lower.
            double t = 0;
            for (int k = j; k < p; k++) t += RX[j * p + k] * (beta[k] - Beta[k]);
            s += t * t;
        }
        return s;
    }

    /// <summary>
    /// The fixed effects that minimize r²(θ, β) subject to β_j = <paramref name="value"/>, and that minimum:
    /// with A = R_X R_X' and a_j = (A⁻¹)_jj = ‖R_X⁻¹e_j‖², β = β̂ + A⁻¹e_j (value − β̂_j)/a_j and
    /// r² + (value − β̂_j)²/a_j (lme4 profiles a fixed effect by moving its column into the offset, the same thing).
    /// </summary>
    public (double Rss, double[] Beta) PenalizedRssWithFixed(int j, double value)
    {
        int p = Beta.Length;
        var v = new double[p];
        v[j] = 1;
        DenseCholesky.SolveLower(RX, p, v);
        double a = 0;
        for (int k = 0; k < p; k++) a += v[k] * v[k];
        DenseCholesky.SolveUpperTransposed(RX, p, v);
        double d = value - Beta[j];
        var beta = new double[p];
        for (int k = 0; k < p; k++) beta[k] = Beta[k] + v[k] * d / a;
        beta[j] = value;
        return (PenalizedRss + d * d / a, beta);
    }
}

/// <summary>
/// lme4's profiled deviance of a linear mixed model, σ and β profiled out. Per block b (in parallel):
/// L_b L_b' = Λ_b'Z_b'WZ_bΛ_b + I, R_ZX,b = L_b⁻¹Λ_b'Z_b'WX, r_b = L_b⁻¹Λ_b'Z_b'Wy; then
/// R_X R_X' = X'WX − Σ R_ZX,b'R_ZX,b, and the penalized residual sum of squares
/// r² = y'Wy − Σ‖r_b‖² − ‖R_X⁻¹(X'Wy − Σ R_ZX,b'r_b)‖². With ldL2 = log det(LL'), ldRX2 = log det(R_X R_X')
/// and ldW = Σ log w:
/// ML: ldL2 − ldW + n(1 + log(2π r²/n)); REML: ldL2 + ldRX2 − ldW + (n−p)(1 + log(2π r²/(n−p))).
/// </summary>
public sealed partial class LmmDeviance(LmmCrossProducts cp, ThetaLayout layout)
{
    /// <summary>Evaluates the deviance (REML criterion when <paramref name="reml"/>) at θ.</summary>
    public LmmEvaluation Evaluate(ReadOnlySpan<double> theta, bool reml) => Run(theta.ToArray(), reml, gradient: false).Evaluation;

    /// <summary>
    /// The deviance at θ and every block's solve, held (not released) when <paramref name="gradient"/> asks for them:
    /// the gradient's second pass needs the factors after β̂ is known.
    /// </summary>
    private (LmmEvaluation Evaluation, BlockSolve[]? Solves) Run(double[] th, bool reml, bool gradient)
    {
        int p = cp.P;
        var factors = Factors(th);
        double ldL = 0, syy = 0;
        var sXX = new double[p * p];
        var sXy = new double[p];
        // Per-block parts, added in block order afterwards: the sum does not depend on the thread schedule.
        int nb = cp.Blocks.Count;
        var parts = new (double[] XX, double[] Xy, double[] Scalars)[nb];
        var held = gradient ? new BlockSolve[nb] : null;
        try
        {
            ForEachBlock(nb, b =>
            {
                var acc = (new double[p * p], new double[p], new double[2]);
                var solve = Solve(b, th, factors);
                if (held is null) solve.Release();
                else held[b] = solve;
                var (r, c) = (solve.R, solve.C);
                int m = r.Length;
                acc.Item3[0] += solve.LogDet;
                for (int i = 0; i < m; i++) acc.Item3[1] += r[i] * r[i];
                for (int j = 0; j < p; j++)
                {
                    var cj = c.AsSpan(j * m, m);
                    double s = 0;
                    for (int i = 0; i < m; i++) s += cj[i] * r[i];
                    acc.Item2[j] += s;
                    for (int k = 0; k <= j; k++)
                    {
                        var ck = c.AsSpan(k * m, m);
                        double t = 0;
                        for (int i = 0; i < m; i++) t += cj[i] * ck[i];
                        acc.Item1[k * p + j] += t;
                    }
                }
                parts[b] = acc;
            });
        }
        catch
        {
            if (held is not null) foreach (var h in held) h?.Release();
            throw;
        }
        foreach (var (xx, xy, sc) in parts)
        {
            for (int i = 0; i < sXX.Length; i++) sXX[i] += xx[i];
            for (int i = 0; i < p; i++) sXy[i] += xy[i];
            ldL += sc[0];
            syy += sc[1];
        }
        var rx = new double[p * p];
        for (int j = 0; j < p; j++) for (int k = j; k < p; k++) rx[j * p + k] = cp.XtX[j * p + k] - sXX[j * p + k];
        if (!DenseCholesky.Factor(rx, p))
        {
            if (held is not null) foreach (var h in held) h.Release();
            throw new NumericalFailureException("X'WX − R_ZX'R_ZX is not positive definite");
        }
        var z = new double[p];
        for (int j = 0; j < p; j++) z[j] = cp.Xty[j] - sXy[j];
        DenseCholesky.SolveLower(rx, p, z);
        double rss = cp.Yty - syy;
        for (int j = 0; j < p; j++) rss -= z[j] * z[j];
        var beta = (double[])z.Clone();
        DenseCholesky.SolveUpperTransposed(rx, p, beta);
        double ldRX = DenseCholesky.LogDeterminant(rx, p);
        int n = cp.N;
        double dev = reml
            ? ldL + ldRX - cp.LogWeightSum + (n - p) * (1 + Math.Log(2 * Math.PI * rss / (n - p)))
            : ldL - cp.LogWeightSum + n * (1 + Math.Log(2 * Math.PI * rss / n));
        return (new LmmEvaluation(dev, ldL, ldRX, rss, beta, rx), held);
    }

    /// <summary>
    /// The conditional modes û(θ, β) = L⁻ᵀ(L⁻¹Λ'Z'W(y − offset − Xβ)) of every block, laid out as
    /// <see cref="GlmmProblem.UOffsets"/> (block after block): for an LMM the penalized least-squares solution.
    /// </summary>
    public double[] Modes(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta)
    {
        int p = cp.P;
        var th = theta.ToArray();
        var be = beta.ToArray();
        var factors = Factors(th);
        var parts = new double[cp.Blocks.Count][];
        ForEachBlock(cp.Blocks.Count, b =>
        {
            var solve = Solve(b, th, factors);
            var (r, c) = (solve.R, solve.C);
            int m = r.Length;
            for (int j = 0; j < p; j++) for (int i = 0; i < m; i++) r[i] -= c[j * m + i] * be[j];
            solve.Upper(r);
            solve.Release();
            parts[b] = r;
        });
        return [.. parts.SelectMany(x => x)];
    }

    private double[]? Factors(double[] th)
    {
        if (cp.Problem is not { } prob) return null;
        var f = new double[prob.FactorOffsets[^1]];
        prob.FillFactors(th, f);
        return f;
    }

    /// <summary>
    /// Block b at θ: log det(L_bL_b'), r̃ = L_b⁻¹Λ'Z'Wy, C̃ = L_b⁻¹Λ'Z'WX (m × p, column-major), and a solve with L_b'.
    /// A large crossed block is assembled from rows of ZΛ and factored blocked (<see cref="CrossedBlock"/>); the
    /// others densely from the θ-free products.
    /// </summary>
    private BlockSolve Solve(int b, double[] th, double[]? factors)
    {
        int p = cp.P;
        var blk = cp.Blocks[b];
        int m = blk.Size;
        if (cp.Patterns[b] is { } pattern) return SolveCrossed(b, m, pattern, factors!);
        var a = (double[])blk.ZtZ.Clone();
        var c = (double[])blk.ZtX.Clone();
        var r = (double[])blk.Zty.Clone();
        ApplyLambda(th, blk, a, c, r, m, p);
        for (int i = 0; i < m; i++) a[i * m + i] += 1;
        int q0 = layout.Columns(0), lead = 0;
        foreach (int t in blk.SlotTerm) if (t == 0) lead += q0;
        // From a few hundred random effects on, the SIMD panel factor beats the scalar one even without the lead's zeros.
        bool ok = m >= 192 ? DenseCholeskyLarge.Factor(a, m, parallel: false) : DenseCholesky.FactorWithBlockDiagonalLead(a, m, lead, q0);
        if (!ok) throw new NumericalFailureException("Λ'Z'ZΛ + I is not positive definite");
        DenseCholesky.SolveLower(a, m, r);
        for (int j = 0; j < p; j++) DenseCholesky.SolveLower(a, m, c.AsSpan(j * m, m));
        return new BlockSolve(DenseCholesky.LogDeterminant(a, m), r, c, x => DenseCholesky.SolveUpperTransposed(a, m, x),
            DenseInverse(a, m), () => { });
    }

    /// <summary>
    /// Runs <paramref name="body"/> for blocks 0 … nb − 1, in parallel when there are several; one block (a crossed or
    /// otherwise single block) runs on the calling thread, so that no pool thread is woken to spin beside it.
    /// </summary>
    private static void ForEachBlock(int nb, Action<int> body)
    {
        if (nb == 1) body(0);
        else Parallel.For(0, nb, body);
    }

    /// <summary>Factors of crossed blocks kept between evaluations (their values are rewritten each time).</summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<BlockedCholesky>[] _spare =
        [.. cp.Blocks.Select(_ => new System.Collections.Concurrent.ConcurrentBag<BlockedCholesky>())];

    private BlockSolve SolveCrossed(int b, int m, CrossedLayout pattern, double[] factors)
    {
        var prob = cp.Problem!;
        int p = cp.P, n = prob.N, k = prob.K, r0 = prob.RowOffsets[b], r1 = prob.RowOffsets[b + 1];
        var zl = new double[(long)(r1 - r0) * k];
        prob.ZLambdaRows(r0, r1, factors, zl);
        var w = prob.Weights.AsSpan(r0, r1 - r0);
        var spare = _spare[b];
        if (spare.TryTake(out var f)) f.Clear();
        else f = pattern.Pattern.CloneEmpty();
        CrossedBlock.Assemble(prob, b, zl, w, pattern, f);
        var r = new double[m];
        var c = new double[m * p];
        for (int i = r0; i < r1; i++)
        {
            double wi = w[i - r0], yi = prob.Y[i] - prob.Offset[i];
            for (int e = 0; e < k; e++)
            {
                double v = wi * zl[(i - r0) * k + e];
                if (v == 0) continue;
                int s = prob.Slot[(long)i * k + e];
                r[s] += v * yi;
                for (int j = 0; j < p; j++) c[j * m + s] += v * prob.X[(long)j * n + i];
            }
        }
        if (!f.Factor())
        {
            spare.Add(f);
            throw new NumericalFailureException("Λ'Z'ZΛ + I is not positive definite");
        }
        f.SolveLower(r);
        for (int j = 0; j < p; j++) f.SolveLower(c.AsSpan(j * m, m));
        return new BlockSolve(f.LogDeterminant(), r, c, x => f.SolveUpperTransposed(x), f.InverseBlock, () => spare.Add(f));
    }

    /// <summary>A ← Λ'AΛ, C ← Λ'C, r ← Λ'r, with Λ block diagonal (one T_t per slot).</summary>
    private void ApplyLambda(double[] th, LmmCrossProducts.Block blk, double[] a, double[] c, double[] r, int m, int p)
    {
        Span<double> t = stackalloc double[64];
        Span<double> tmp = stackalloc double[8];
        // A ← Λ'AΛ as (AΛ)'Λ, A being symmetric: the columns of every slot right-multiplied by its T, the matrix
        // transposed, and the columns right-multiplied again, so that every pass runs down contiguous columns.
        for (int pass = 0; pass < 2; pass++)
        {
            for (int s = 0; s < blk.SlotTerm.Length; s++)
            {
                int term = blk.SlotTerm[s], q = layout.Columns(term), o = blk.SlotOffset[s];
                layout.FillFactor(th, term, t);
                RightMultiplyColumns(a, m, o, q, t);
            }
            if (pass == 0) TransposeInPlace(a, m);
        }
        for (int s = 0; s < blk.SlotTerm.Length; s++)
        {
            int term = blk.SlotTerm[s], q = layout.Columns(term), o = blk.SlotOffset[s];
            layout.FillFactor(th, term, t);
            // Rows o..o+q of C and r: left-multiply by T'.
            for (int col = 0; col < p; col++) LeftMultiplyT(c.AsSpan(col * m + o, q), t, q, tmp);
            LeftMultiplyT(r.AsSpan(o, q), t, q, tmp);
        }
    }

    /// <summary>
    /// Columns o … o+q−1 of the m × m column-major A ← A[:, o..o+q] T for the lower-triangular q × q T: column j becomes
    /// Σ_{k ≥ j} T[k, j] A[:, o+k], in place for j = 0, 1, … (each uses only columns not yet rewritten), four rows at a time.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void RightMultiplyColumns(double[] a, int m, int o, int q, ReadOnlySpan<double> t)
    {
        for (int j = 0; j < q; j++)
        {
            var dest = a.AsSpan((o + j) * m, m);
            double tj = t[j * q + j];
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; i + 4 <= m; i += 4)
                {
                    var v = Vector256.Create(dest.Slice(i, 4)) * tj;
                    for (int k = j + 1; k < q; k++)
                        v += Vector256.Create(a.AsSpan((o + k) * m + i, 4)) * t[j * q + k];
                    v.CopyTo(dest.Slice(i, 4));
                }
            for (; i < m; i++)
            {
                double v = dest[i] * tj;
                for (int k = j + 1; k < q; k++) v += a[(o + k) * m + i] * t[j * q + k];
                dest[i] = v;
            }
        }
    }

    /// <summary>Transposes the n × n matrix in place, in 32 × 32 tiles.</summary>
    private static void TransposeInPlace(double[] a, int n)
    {
        const int tile = 32;
        for (int i0 = 0; i0 < n; i0 += tile)
            for (int j0 = i0; j0 < n; j0 += tile)
                for (int i = i0; i < Math.Min(n, i0 + tile); i++)
                    for (int j = Math.Max(j0, i + 1); j < Math.Min(n, j0 + tile); j++)
                        (a[i * n + j], a[j * n + i]) = (a[j * n + i], a[i * n + j]);
    }

    /// <summary>v ← T'v for the lower-triangular q × q T.</summary>
    private static void LeftMultiplyT(Span<double> v, ReadOnlySpan<double> t, int q, Span<double> tmp)
    {
        for (int j = 0; j < q; j++)
        {
            double s = 0;
            for (int k = j; k < q; k++) s += t[j * q + k] * v[k];
            tmp[j] = s;
        }
        tmp[..q].CopyTo(v);
    }
}
