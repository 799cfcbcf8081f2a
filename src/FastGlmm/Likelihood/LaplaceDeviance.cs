using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Linalg;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>
/// The Laplace approximation to −2 log L of a GLMM at fixed (θ, β), evaluated block by block:
/// D_L = Σ_b [log det(Λ_b'Z_b'W Z_bΛ_b + I) + ‖û_b‖² − 2 Σ_{i∈b} log p(y_i | μ̂_i)], with û_b the
/// conditional mode from penalized iteratively reweighted least squares (PIRLS, u only: β enters
/// through the offset), W the IRLS weights w_i μ'(η_i)²/V(μ_i) at û, and full normalizing constants.
/// PIRLS here runs to full convergence (|Δ| ≤ 1e-12 relative on the penalized deviance), so the value
/// is a function of (θ, β) alone, independent of the starting point; lme4's own devfun stops earlier
/// and differs from it by 1e-5 to 1e-2.
/// </summary>
public sealed class LaplaceDeviance
{
    private readonly ModelFrame _frame;
    private readonly ThetaLayout _layout;
    private readonly BlockDesign _design;
    private readonly Family _family;
    private readonly double[] _y, _wt, _offset, _x;

    /// <summary>Prepares the evaluation for a frame of a non-Gaussian family.</summary>
    public LaplaceDeviance(ModelFrame frame)
    {
        _frame = frame;
        _layout = new ThetaLayout(frame.RandomTerms);
        _design = new BlockDesign(frame);
        _family = Family.For(frame.Family);
        _y = frame.Response.Y.ToArray();
        _wt = frame.Response.Weights.ToArray();
        _offset = frame.Offset.ToArray();
        _x = frame.X.Values.ToArray();
    }

    /// <summary>The θ layout used.</summary>
    public ThetaLayout Layout => _layout;

    /// <summary>D_L at (θ, β); throws <see cref="InvalidOperationException"/> when PIRLS fails in some block.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta)
    {
        int n = _frame.RowCount, p = _frame.X.Columns;
        var th = theta.ToArray();
        // The fixed part of the linear predictor: offset + Xβ.
        var eta0 = (double[])_offset.Clone();
        for (int j = 0; j < p; j++)
        {
            double bj = beta[j];
            for (int i = 0; i < n; i++) eta0[i] += _x[j * n + i] * bj;
        }
        var blocks = _frame.Blocks;
        var parts = new double[blocks.Count];
        Parallel.For(0, blocks.Count, b => parts[b] = Block(b, th, eta0));
        return parts.Sum();
    }

    private double Block(int b, double[] theta, double[] eta0)
    {
        var blocks = _frame.Blocks;
        var terms = _frame.RandomTerms;
        int n = _frame.RowCount, m = _design.Size[b], k = _design.MaxRowEntries;
        int r0 = blocks.RowOffsets[b], r1 = blocks.RowOffsets[b + 1], rows = r1 - r0;
        // ZΛ restricted to the block: per row, k (local index, value) entries.
        var zl = new double[rows * k];
        var zi = new int[rows * k];
        var t = new double[64];
        for (int term = 0, e = 0; term < terms.Count; term++)
        {
            int q = terms[term].ColumnCount;
            _layout.FillFactor(theta, term, t);
            var z = terms[term].Z;
            var lev = terms[term].LevelOfRow;
            for (int i = r0; i < r1; i++)
            {
                int o = _design.LocalOffset[_design.TermLevelOffset[term] + lev[i]];
                for (int c = 0; c < q; c++)
                {
                    double v = 0;
                    for (int kk = c; kk < q; kk++) v += z[kk * n + i] * t[c * q + kk];
                    zl[(i - r0) * k + e + c] = v;
                    zi[(i - r0) * k + e + c] = o + c;
                }
            }
            e += q;
        }
        var u = new double[m];
        var uNew = new double[m];
        var a = new double[m * m];
        var rhs = new double[m];
        double pdev = PenalizedDeviance(u, zl, zi, eta0, r0, r1, k);
        for (int iter = 0; ; iter++)
        {
            if (iter == 200) throw new InvalidOperationException($"PIRLS did not converge in block {b} after 200 iterations");
            Assemble(u, zl, zi, eta0, r0, r1, k, a, rhs, withResponse: true);
            if (!DenseCholesky.Factor(a, m)) throw new InvalidOperationException($"PIRLS: singular system in block {b}");
            Array.Copy(rhs, uNew, m);
            DenseCholesky.SolveLower(a, m, uNew);
            DenseCholesky.SolveUpperTransposed(a, m, uNew);
            double next = PenalizedDeviance(uNew, zl, zi, eta0, r0, r1, k);
            int halvings = 0;
            while (!(next <= pdev + 1e-12 * Math.Abs(pdev)) && halvings < 30)
            {
                for (int i = 0; i < m; i++) uNew[i] = (uNew[i] + u[i]) / 2;
                next = PenalizedDeviance(uNew, zl, zi, eta0, r0, r1, k);
                halvings++;
            }
            if (!(next <= pdev + 1e-12 * Math.Abs(pdev)))
                throw new InvalidOperationException($"PIRLS step-halving failed in block {b}");
            double change = pdev - next;
            Array.Copy(uNew, u, m);
            pdev = next;
            if (change <= 1e-12 * (Math.Abs(pdev) + 1)) break;
        }
        // Laplace terms at û with the weights at û.
        Assemble(u, zl, zi, eta0, r0, r1, k, a, rhs, withResponse: false);
        if (!DenseCholesky.Factor(a, m)) throw new InvalidOperationException($"Laplace: singular system in block {b}");
        double ld = DenseCholesky.LogDeterminant(a, m);
        double uu = 0;
        for (int i = 0; i < m; i++) uu += u[i] * u[i];
        double logp = 0;
        for (int i = r0; i < r1; i++)
        {
            double mu = _family.LinkInverse(Eta(u, zl, zi, eta0, i, r0, k));
            logp += _family.LogDensity(_y[i], mu, _wt[i]);
        }
        return ld + uu - 2 * logp;
    }

    private static double Eta(double[] u, double[] zl, int[] zi, double[] eta0, int i, int r0, int k)
    {
        double eta = eta0[i];
        int o = (i - r0) * k;
        for (int e = 0; e < k; e++) eta += zl[o + e] * u[zi[o + e]];
        return eta;
    }

    /// <summary>Σ deviance residuals + ‖u‖² (PIRLS's criterion).</summary>
    private double PenalizedDeviance(double[] u, double[] zl, int[] zi, double[] eta0, int r0, int r1, int k)
    {
        double s = 0;
        foreach (var v in u) s += v * v;
        for (int i = r0; i < r1; i++)
            s += _family.DevianceResidual(_y[i], _family.LinkInverse(Eta(u, zl, zi, eta0, i, r0, k)), _wt[i]);
        return s;
    }

    /// <summary>A = Λ'Z'WZΛ + I and rhs = Λ'Z'W(ZΛu + (y − μ)/μ') at u (rhs only when asked).</summary>
    private void Assemble(double[] u, double[] zl, int[] zi, double[] eta0, int r0, int r1, int k, double[] a, double[] rhs, bool withResponse)
    {
        int m = u.Length;
        Array.Clear(a);
        Array.Clear(rhs);
        for (int i = r0; i < r1; i++)
        {
            double eta = Eta(u, zl, zi, eta0, i, r0, k);
            double mu = _family.LinkInverse(eta), dmu = _family.MuEta(eta);
            double sd = dmu / Math.Sqrt(_family.Variance(mu));
            double w = _wt[i] * sd * sd;
            double zr = eta - eta0[i] + (_y[i] - mu) / dmu;
            int o = (i - r0) * k;
            for (int e = 0; e < k; e++)
            {
                double we = w * zl[o + e];
                int ie = zi[o + e];
                if (withResponse) rhs[ie] += we * zr;
                for (int f = 0; f < k; f++) a[zi[o + f] * m + ie] += we * zl[o + f];
            }
        }
        for (int i = 0; i < m; i++) a[i * m + i] += 1;
    }
}
