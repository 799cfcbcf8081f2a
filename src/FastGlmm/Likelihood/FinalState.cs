using FastGlmm.Families;
using FastGlmm.Linalg;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>What a fit reports beyond the objective, computed once at the optimum.</summary>
/// <param name="VcovRX">σ²(R_X'R_X)⁻¹ with R_X'R_X = X'WX − R_ZX'R_ZX (p × p, row-major).</param>
/// <param name="RandomEffects">b̂ = Λû and conditional SDs per term.</param>
/// <param name="Fitted">μ̂ per frame row.</param>
/// <param name="Response">y − μ̂ per frame row.</param>
/// <param name="Pearson">(y − μ̂)√(w/V(μ̂))/σ per frame row.</param>
/// <param name="DevianceResiduals">sign(y − μ̂)√d_i per frame row.</param>
/// <param name="DevianceSum">Σ d_i.</param>
internal sealed record FinalStateResult(double[] VcovRX, List<RandomEffectEstimates> RandomEffects,
    double[] Fitted, double[] Response, double[] Pearson, double[] DevianceResiduals, double DevianceSum);

/// <summary>
/// At (θ̂, β̂) and the modes û: per block, A_b = Λ'Z'WZΛ + I and R_ZX,b = L_b⁻¹Λ'Z'WX with W the IRLS weights
/// at û (the prior weights for an LMM); then σ²(X'WX − Σ R_ZX'R_ZX)⁻¹, the conditional covariance
/// σ² Λ A_b⁻¹ Λ' of each level's b, fitted values and residuals. Not a hot path: it runs once per fit.
/// </summary>
internal static class FinalState
{
    public static FinalStateResult Compute(GlmmProblem prob, double[] theta, double[] beta, double[] u, double sigma2)
    {
        var fam = Family.For(prob.Family);
        int n = prob.N, p = prob.P, k = prob.K, nb = prob.BlockCount;
        var factors = new double[prob.FactorOffsets[^1]];
        prob.FillFactors(theta, factors);
        var mu = new double[n];
        var w = new double[n];
        var zlAll = new double[(long)n * k];
        var fitted = new double[n];
        var resp = new double[n];
        var pearson = new double[n];
        var devRes = new double[n];
        double sigma = Math.Sqrt(sigma2);
        for (int b = 0; b < nb; b++)
        {
            int lo = prob.UOffsets[b];
            for (int i = prob.RowOffsets[b]; i < prob.RowOffsets[b + 1]; i++)
            {
                var zl = zlAll.AsSpan((int)((long)i * k), k);
                prob.ZLambdaRow(i, factors, zl);
                double eta = prob.Offset[i];
                for (int j = 0; j < p; j++) eta += prob.X[(long)j * n + i] * beta[j];
                for (int e = 0; e < k; e++) eta += zl[e] * u[lo + prob.Slot[(long)i * k + e]];
                double m = fam.LinkInverse(eta), s = fam.MuEta(eta) / Math.Sqrt(fam.Variance(m));
                mu[i] = m;
                w[i] = prob.Weights[i] * s * s;
                double y = prob.Y[i];
                fitted[i] = m;
                resp[i] = y - m;
                pearson[i] = (y - m) * Math.Sqrt(prob.Weights[i] / fam.Variance(m)) / sigma;
                double d = fam.DevianceResidual(y, m, prob.Weights[i]);
                devRes[i] = Math.Sign(y - m) * Math.Sqrt(Math.Max(0, d));
            }
        }
        double devSum = 0;
        foreach (var d in devRes) devSum += d * d;

        var xtx = new double[p * p];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++)
            {
                double xw = prob.X[(long)j * n + i] * w[i];
                for (int c = 0; c <= j; c++) xtx[c * p + j] += xw * prob.X[(long)c * n + i];
            }
        var uVar = new List<(int Block, double[]? AInverse, BlockedCholesky? Blocked)>(nb);
        var sXX = new double[p * p];
        for (int b = 0; b < nb; b++)
        {
            int lo = prob.UOffsets[b], m = prob.UOffsets[b + 1] - lo;
            if (CrossedBlock.Applies(prob, b))
            {
                uVar.Add((b, null, CrossedFinal(prob, b, zlAll, w, sXX)));
                continue;
            }
            var a = new double[m * m];
            var c = new double[m * p];
            for (int i = prob.RowOffsets[b]; i < prob.RowOffsets[b + 1]; i++)
            {
                var zl = zlAll.AsSpan((int)((long)i * k), k);
                for (int e = 0; e < k; e++)
                {
                    int se = prob.Slot[(long)i * k + e];
                    double we = w[i] * zl[e];
                    for (int g = 0; g < k; g++) a[prob.Slot[(long)i * k + g] * m + se] += we * zl[g];
                    for (int j = 0; j < p; j++) c[j * m + se] += we * prob.X[(long)j * n + i];
                }
            }
            for (int j = 0; j < m; j++) a[j * m + j] += 1;
            if (!DenseCholesky.Factor(a, m)) throw new NumericalFailureException($"block {b + 1}: Λ'Z'WZΛ + I is not positive definite at the optimum");
            for (int j = 0; j < p; j++) DenseCholesky.SolveLower(a, m, c.AsSpan(j * m, m));
            AddGram(c, m, p, sXX);
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
        return new FinalStateResult(vcov, RandomEffects(prob, factors, u, uVar, sigma2), fitted, resp, pearson, devRes, devSum);
    }

    /// <summary>
    /// A large crossed block (<see cref="CrossedBlock"/>): its blocked factor at the final weights, with
    /// R_ZX'R_ZX added into <paramref name="sXX"/>; the factor then gives the diagonal blocks of A⁻¹.
    /// </summary>
    private static BlockedCholesky CrossedFinal(GlmmProblem prob, int b, double[] zlAll, double[] w, double[] sXX)
    {
        int n = prob.N, p = prob.P, k = prob.K, r0 = prob.RowOffsets[b], r1 = prob.RowOffsets[b + 1];
        int m = prob.UOffsets[b + 1] - prob.UOffsets[b];
        var layout = CrossedBlock.Pattern(prob, b);
        var f = layout.Pattern;
        var zl = zlAll.AsSpan((int)((long)r0 * k), (r1 - r0) * k);
        CrossedBlock.Assemble(prob, b, zl, w.AsSpan(r0, r1 - r0), layout, f);
        var c = new double[m * p];
        for (int i = r0; i < r1; i++)
            for (int e = 0; e < k; e++)
            {
                double we = w[i] * zlAll[(long)i * k + e];
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
