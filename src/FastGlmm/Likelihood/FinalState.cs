using FastGlmm.Families;
using FastGlmm.Linalg;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>What a fit reports beyond the objective, computed once at the optimum.</summary>
/// <param name="VcovRX">σ²(R_X'R_X)⁻¹ with R_X'R_X = X'WX − R_ZX'R_ZX (p × p, row-major).</param>
/// <param name="RandomEffects">b̂ = Λû and conditional SDs per term.</param>
/// <param name="DevianceSum">Σ d_i, the unit deviances at μ̂.</param>
/// <param name="Factors">The packed T_t(θ̂) (<see cref="GlmmProblem.FillFactors"/>), for per-row values later.</param>
internal sealed record FinalStateResult(double[] VcovRX, List<RandomEffectEstimates> RandomEffects, double DevianceSum, double[] Factors);

/// <summary>
/// At (θ̂, β̂) and the modes û: per block, A_b = Λ'Z'WZΛ + I and R_ZX,b = L_b⁻¹Λ'Z'WX with W the IRLS weights
/// at û (the prior weights for an LMM); then σ²(X'WX − Σ R_ZX'R_ZX)⁻¹, the conditional covariance
/// σ² Λ A_b⁻¹ Λ' of each level's b and the deviance Σ d_i. Not a hot path: it runs once per fit, one block at a
/// time, so that its per-row work arrays hold the largest block's rows only. Per-row values (fitted, residuals)
/// are not kept: <see cref="FitRows"/> computes them when asked.
/// </summary>
internal static class FinalState
{
    public static FinalStateResult Compute(GlmmProblem prob, double[] theta, double[] beta, double[] u, double sigma2, Family? family = null)
    {
        var fam = family ?? Family.For(prob.Family);
        int n = prob.N, p = prob.P, k = prob.K, nb = prob.BlockCount;
        var factors = new double[prob.FactorOffsets[^1]];
        prob.FillFactors(theta, factors);
        int maxRows = 0;
        for (int b = 0; b < nb; b++) maxRows = Math.Max(maxRows, prob.RowOffsets[b + 1] - prob.RowOffsets[b]);
        var zlB = new double[(long)maxRows * k];
        var wB = new double[maxRows];
        double devSum = 0;
        var xtx = new double[p * p];
        var uVar = new List<(int Block, double[]? AInverse, BlockedCholesky? Blocked)>(nb);
        var sXX = new double[p * p];
        for (int b = 0; b < nb; b++)
        {
            int lo = prob.UOffsets[b], m = prob.UOffsets[b + 1] - lo, r0 = prob.RowOffsets[b], r1 = prob.RowOffsets[b + 1];
            for (int i = r0; i < r1; i++)
            {
                int r = i - r0;
                var zl = zlB.AsSpan((int)((long)r * k), k);
                double eta = prob.ConditionalEta(i, lo, factors, beta, u, zl);
                double mu = fam.LinkInverse(eta), sc = fam.MuEta(eta) / Math.Sqrt(fam.Variance(mu));
                double wi = wB[r] = prob.Weights[i] * sc * sc;
                double dr = Math.Sqrt(Math.Max(0, fam.DevianceResidual(prob.Y[i], mu, prob.Weights[i])));
                devSum += dr * dr;
                for (int j = 0; j < p; j++)
                {
                    double xw = prob.X[(long)j * n + i] * wi;
                    for (int c = 0; c <= j; c++) xtx[c * p + j] += xw * prob.X[(long)c * n + i];
                }
            }
            if (CrossedBlock.Applies(prob, b))
            {
                uVar.Add((b, null, CrossedFinal(prob, b, zlB, wB, sXX)));
                continue;
            }
            var a = new double[m * m];
            var c2 = new double[m * p];
            for (int i = r0; i < r1; i++)
            {
                int r = i - r0;
                var zl = zlB.AsSpan((int)((long)r * k), k);
                for (int e = 0; e < k; e++)
                {
                    int se = prob.Slot[(long)i * k + e];
                    double we = wB[r] * zl[e];
                    for (int g = 0; g < k; g++) a[prob.Slot[(long)i * k + g] * m + se] += we * zl[g];
                    for (int j = 0; j < p; j++) c2[j * m + se] += we * prob.X[(long)j * n + i];
                }
            }
            for (int j = 0; j < m; j++) a[j * m + j] += 1;
            if (!DenseCholesky.Factor(a, m)) throw new NumericalFailureException($"block {b + 1}: Λ'Z'WZΛ + I is not positive definite at the optimum");
            for (int j = 0; j < p; j++) DenseCholesky.SolveLower(a, m, c2.AsSpan(j * m, m));
            AddGram(c2, m, p, sXX);
            // A⁻¹ = L⁻ᵀL⁻¹, column by column.
            var ainv = new double[m * m];
            for (int j = 0; j < m; j++)
            {
                var col = ainv.AsSpan(j * m, m);
                col[j] = 1;
                DenseCholesky.SolveLower(a, m, col);
                DenseCholesky.SolveUpperTransposed(a, m, col);
            }
            uVar.Add((b, ainv, null));
        }
        var rx = new double[p * p];
        for (int j = 0; j < p; j++) for (int l = j; l < p; l++) rx[j * p + l] = xtx[j * p + l] - sXX[j * p + l];
        var vcov = new double[p * p];
        if (DenseCholesky.Factor(rx, p))
            for (int j = 0; j < p; j++)
            {
                var col = new double[p];
                col[j] = 1;
                DenseCholesky.SolveLower(rx, p, col);
                DenseCholesky.SolveUpperTransposed(rx, p, col);
                for (int l = 0; l < p; l++) vcov[l * p + j] = sigma2 * col[l];
            }
        else Array.Fill(vcov, double.NaN);
        return new FinalStateResult(vcov, RandomEffects(prob, factors, u, uVar, sigma2), devSum, factors);
    }

    /// <summary>
    /// A large crossed block (<see cref="CrossedBlock"/>): its blocked factor at the final weights, with
    /// R_ZX'R_ZX added into <paramref name="sXX"/>; the factor then gives the diagonal blocks of A⁻¹.
    /// </summary>
    /// <remarks><paramref name="zlB"/> and <paramref name="wB"/> hold the block's rows of ZΛ and W, from its first row.</remarks>
    private static BlockedCholesky CrossedFinal(GlmmProblem prob, int b, double[] zlB, double[] wB, double[] sXX)
    {
        int n = prob.N, p = prob.P, k = prob.K, r0 = prob.RowOffsets[b], r1 = prob.RowOffsets[b + 1];
        int m = prob.UOffsets[b + 1] - prob.UOffsets[b];
        var layout = CrossedBlock.Pattern(prob, b);
        var f = layout.Pattern;
        var zl = zlB.AsSpan(0, (r1 - r0) * k);
        CrossedBlock.Assemble(prob, b, zl, wB.AsSpan(0, r1 - r0), layout, f);
        var c = new double[m * p];
        for (int i = r0; i < r1; i++)
            for (int e = 0; e < k; e++)
            {
                double we = wB[i - r0] * zlB[(long)(i - r0) * k + e];
                int se = prob.Slot[(long)i * k + e];
                for (int j = 0; j < p; j++) c[j * m + se] += we * prob.X[(long)j * n + i];
            }
        if (!f.Factor()) throw new NumericalFailureException($"block {b + 1}: Λ'Z'WZΛ + I is not positive definite at the optimum");
        for (int j = 0; j < p; j++) f.SolveLower(c.AsSpan(j * m, m));
        AddGram(c, m, p, sXX);
        return f;
    }

    /// <summary>sXX += C'C (upper triangle) for C = L⁻¹Λ'Z'WX, m × p column-major.</summary>
    private static void AddGram(double[] c, int m, int p, double[] sXX)
    {
        for (int j = 0; j < p; j++)
            for (int l = 0; l <= j; l++)
            {
                double s = 0;
                for (int i = 0; i < m; i++) s += c[j * m + i] * c[l * m + i];
                sXX[l * p + j] += s;
            }
    }

    private static List<RandomEffectEstimates> RandomEffects(GlmmProblem prob, double[] factors, double[] u,
        List<(int Block, double[]? AInverse, BlockedCholesky? Blocked)> uVar, double sigma2)
    {
        var frame = prob.Frame;
        var terms = frame.RandomTerms;
        var blocks = frame.Blocks;
        var design = new BlockDesign(frame);
        var result = new List<RandomEffectEstimates>();
        for (int t = 0; t < terms.Count; t++)
        {
            int q = terms[t].ColumnCount, levels = terms[t].LevelCount, to = prob.FactorOffsets[t];
            var modes = new double[levels * q];
            var sd = new double[levels * q];
            for (int l = 0; l < levels; l++)
            {
                int id = design.TermLevelOffset[t] + l;
                int b = blocks.BlockOf(t, l), lo = prob.UOffsets[b], m = prob.UOffsets[b + 1] - lo, o = design.LocalOffset[id];
                var ainv = uVar[b].AInverse;
                int stride = m, at = o;
                if (uVar[b].Blocked is { } blocked)
                {
                    // The q × q diagonal block of A⁻¹ at this slot, indexed from 0.
                    ainv = new double[q * q];
                    blocked.InverseBlock(o, q, ainv);
                    stride = q; at = 0;
                }
                for (int c = 0; c < q; c++)
                {
                    // b = T u;  Var(b) = σ² T A⁻¹ T'.
                    double v = 0, var = 0;
                    for (int r = 0; r <= c; r++) v += factors[to + r * q + c] * u[lo + o + r];
                    for (int r = 0; r <= c; r++)
                        for (int s = 0; s <= c; s++)
                            var += factors[to + r * q + c] * ainv![(at + s) * stride + at + r] * factors[to + s * q + c];
                    modes[l * q + c] = v;
                    sd[l * q + c] = Math.Sqrt(sigma2 * var);
                }
            }
            result.Add(new RandomEffectEstimates(terms[t].Group, terms[t].ColumnNames, terms[t].Levels, modes, sd));
        }
        return result;
    }
}
