using FastGlmm.Data.Frame;
using FastGlmm.Linalg;
using FastGlmm.Model;

namespace FastGlmm.Inference;

/// <summary>
/// Kenward and Roger's (1997) small-sample inference for a linear mixed model fitted by REML, as pbkrtest computes it
/// (and lmerTest's <c>ddf = "Kenward-Roger"</c> reports it). The marginal covariance is written linearly in its
/// covariance parameters γ, Σ = Σ_r γ_r G_r: one G_r = Z(I ⊗ E_r)Z' per variance or covariance of each term (E_r the
/// symmetric unit matrix of the entry), and G = I for σ². With Φ = (X'Σ⁻¹X)⁻¹, P_r = −X'Σ⁻¹G_rΣ⁻¹X and
/// Q_rs = X'Σ⁻¹G_rΣ⁻¹G_sΣ⁻¹X, the expected information I_rs = tr(Σ⁻¹G_rΣ⁻¹G_s) − 2 tr(ΦQ_rs) + tr(ΦP_rΦP_s)
/// gives W = 2I⁻¹, and the adjusted covariance of β̂ is Φ_A = Φ + 2Φ[Σ_rs W_rs(Q_rs − P_rΦP_s)]Φ. For a q-row
/// hypothesis L, with Θ = L'(LΦL')⁻¹L and u_r = ΘΦP_rΦ, A₁ = Σ_rs W_rs tr(u_r)tr(u_s) and A₂ = Σ_rs W_rs tr(u_r u_s)
/// give the scaled F's denominator degrees of freedom and its scale (pbkrtest's formulas, reproduced exactly).
/// Σ⁻¹ is applied by Woodbury's identity with lme4's factor, Σ⁻¹ = σ⁻²[I − ZΛ(Λ'Z'ZΛ + I)⁻¹Λ'Z'], so nothing of
/// size n × n is formed; the work is O(n·m·k + m³) for m random effects and k per row (dense in m).
/// </summary>
public sealed class KenwardRoger : IDenominatorDf
{
    /// <summary>The largest n·m (rows × random effects) the dense intermediate Σ⁻¹Z may have (about 400 MB).</summary>
    public const long MaxCells = 50_000_000;

    /// <summary>The largest number of random effects (m; the m × m matrices are dense).</summary>
    public const int MaxRandomEffects = 2000;

    private readonly double[] _beta, _phi, _phiA, _w;
    private readonly double[][] _pr;
    private readonly int _p;
    private readonly double _sigma2;

    /// <summary>Φ_A, the adjusted covariance of β̂ (p × p, column-major).</summary>
    public double[] AdjustedCovariance => _phiA;

    /// <inheritdoc />
    public IReadOnlyList<string> Messages { get; } = [];

    private KenwardRoger(double[] beta, double[] phi, double[] phiA, double[][] pr, double[] w, double sigma2)
    {
        _beta = beta; _phi = phi; _phiA = phiA; _pr = pr; _w = w; _p = beta.Length; _sigma2 = sigma2;
    }

    /// <summary>Sets up Kenward–Roger for a REML fit of an unweighted linear mixed model (or linear model).</summary>
    /// <exception cref="UserInputException">Not an LMM, not REML, prior weights, or too large for the dense work.</exception>
    public static KenwardRoger Create(ModelFrame frame, FitResult fit)
    {
        Model.CovarianceParameters.RefuseStructured(frame, "Kenward–Roger's denominator df");
        if (!frame.Family.IsLinearMixedModel || fit.Sigma is not { } sigma)
            throw new UserInputException("--ddf kenward-roger: denominator degrees of freedom apply to linear mixed models (gaussian, identity link) only; a GLMM's summary uses z tests, as lme4's");
        if (fit.Method != "REML")
            throw new UserInputException("--ddf kenward-roger: Kenward-Roger's method needs a REML fit (as lmerTest and pbkrtest require); drop --ml, or use --ddf satterthwaite");
        foreach (double wi in frame.Response.Weights)
            if (wi != 1) throw new UserInputException("--ddf kenward-roger: not available with prior weights (pbkrtest's residual covariance is σ²I); use --ddf satterthwaite");
        return At(frame, fit.Theta, sigma, fit.Beta);
    }

    /// <summary>The method at given θ and σ (β̂ given); for checks against a peer's estimates.</summary>
    internal static KenwardRoger At(ModelFrame frame, double[] theta, double sigma, double[] beta)
    {
        var d = new KrDesign(frame, theta, sigma);
        int n = d.N, p = d.P, m = d.M;
        if ((long)n * m > MaxCells || m > MaxRandomEffects)
            throw new UserInputException($"--ddf kenward-roger: this model has {n} rows and {m} random effects; Kenward-Roger's dense work needs n·m ≤ {MaxCells:N0} and m ≤ {MaxRandomEffects}; use --ddf satterthwaite");
        double s2 = sigma * sigma;
        var x = d.X;
        var t = d.SigmaInverse(x, p);                 // Σ⁻¹X, n × p
        var u = d.SigmaInverse(d.DenseZ(), m);        // Σ⁻¹Z, n × m
        var a = d.ZTranspose(t, p);                   // Z'Σ⁻¹X, m × p
        var k = d.ZTranspose(u, m);                   // Z'Σ⁻¹Z, m × m
        var b = Dense.TransposeTimes(u, t, n, m, p);  // Z'Σ⁻²X, m × p
        var phi = Dense.InverseSpd(Dense.TransposeTimes(x, t, n, p, p), p);
        int rr = d.Components.Count + 1;
        var pr = new double[rr][];
        var ea = new double[rr - 1][];
        for (int r = 0; r < rr - 1; r++)
        {
            ea[r] = d.ApplyE(r, a, p);
            pr[r] = Dense.Scale(Dense.TransposeTimes(a, ea[r], m, p, p), -1);
        }
        pr[rr - 1] = Dense.Scale(Dense.TransposeTimes(t, t, n, p, p), -1);
        var tt = d.SigmaInverse(t, p);                // Σ⁻²X
        var q = new double[rr, rr][];
        var ktr = new double[rr, rr];
        for (int r = 0; r < rr; r++)
            for (int s = r; s < rr; s++)
            {
                bool rRes = r == rr - 1, sRes = s == rr - 1;
                if (!rRes && !sRes)
                {
                    q[r, s] = Dense.TransposeTimes(ea[r], Dense.Times(k, ea[s], m, m, p), m, p, p);
                    ktr[r, s] = d.TraceEKEK(r, s, k);
                }
                else if (!rRes)
                {
                    q[r, s] = Dense.TransposeTimes(ea[r], b, m, p, p);
                    ktr[r, s] = d.TraceEWithGram(r, u);
                }
                else
                {
                    q[r, s] = Dense.TransposeTimes(t, tt, n, p, p);
                    ktr[r, s] = (n - m + d.SquaredFrobeniusOfMInverse()) / (s2 * s2);
                }
                ktr[s, r] = ktr[r, s];
            }
        var info = new double[rr * rr];
        for (int r = 0; r < rr; r++)
        {
            var phiPr = Dense.Times(phi, pr[r], p, p, p);
            for (int s = r; s < rr; s++)
            {
                var phiPs = Dense.Times(phi, pr[s], p, p, p);
                info[r * rr + s] = info[s * rr + r] = ktr[r, s] - 2 * Dense.Inner(phi, q[r, s]) + Dense.TraceOfProduct(phiPr, phiPs, p);
            }
        }
        var w = TwiceInverse(info, rr);
        var uu = new double[p * p];
        for (int r = 0; r < rr; r++)
            for (int s = r + 1; s < rr; s++)
                Dense.AddScaled(uu, Dense.Minus(q[r, s], Dense.Times(Dense.Times(pr[r], phi, p, p, p), pr[s], p, p, p)), w[r * rr + s]);
        uu = Dense.Plus(uu, Dense.Transpose(uu, p));
        for (int r = 0; r < rr; r++)
            Dense.AddScaled(uu, Dense.Minus(q[r, r], Dense.Times(Dense.Times(pr[r], phi, p, p, p), pr[r], p, p, p)), w[r * rr + r]);
        var phiA = Dense.Plus(phi, Dense.Scale(Dense.Times(Dense.Times(phi, uu, p, p, p), phi, p, p, p), 2));
        return new KenwardRoger(beta, phi, Dense.Symmetrize(phiA, p), pr, w, s2);
    }

    /// <summary>2I⁻¹, by the Moore–Penrose inverse when the smallest |eigenvalue| is at most 10⁻¹⁰ (pbkrtest's rule).</summary>
    private static double[] TwiceInverse(double[] info, int r)
    {
        var (values, vectors) = SymmetricEigen.Decompose(info, r);
        bool singular = values.Min(Math.Abs) <= 1e-10;
        // MASS::ginv drops the singular values below √ε times the largest.
        double tol = 1.490116119384765625e-8 * values.Max(Math.Abs);
        var w = new double[r * r];
        for (int k = 0; k < r; k++)
        {
            if (singular && Math.Abs(values[k]) <= tol) continue;
            for (int i = 0; i < r; i++) for (int j = 0; j < r; j++) w[i * r + j] += 2 * vectors[k * r + i] * vectors[k * r + j] / values[k];
        }
        return w;
    }

    /// <summary>A₁, A₂ and q for the hypothesis L (rows × p, row-major).</summary>
    private (double A1, double A2) Adjustments(double[] l, int rows)
    {
        int p = _p, rr = _pr.Length;
        // Θ = L'(LΦL')⁻¹L (p × p).
        var lt = new double[p * rows];                       // L' column-major p × rows
        for (int a = 0; a < rows; a++) for (int j = 0; j < p; j++) lt[a * p + j] = l[a * p + j];
        var lphilt = Dense.TransposeTimes(lt, Dense.Times(_phi, lt, p, p, rows), p, rows, rows);
        var inv = Dense.InverseSpd(lphilt, rows);
        var theta = Dense.Times(Dense.Times(lt, inv, p, rows, rows), Dense.Transpose(lt, p, rows), p, rows, p);
        var thetaPhi = Dense.Times(theta, _phi, p, p, p);
        var ur = _pr.Select(pr => Dense.Times(Dense.Times(thetaPhi, pr, p, p, p), _phi, p, p, p)).ToArray();
        double a1 = 0, a2 = 0;
        for (int i = 0; i < rr; i++)
            for (int j = i; j < rr; j++)
            {
                double e = i == j ? 1 : 2;
                a1 += e * _w[i * rr + j] * Dense.Trace(ur[i], p) * Dense.Trace(ur[j], p);
                a2 += e * _w[i * rr + j] * Dense.TraceOfProduct(ur[i], ur[j], p);
            }
        return (a1, a2);
    }

    /// <summary>pbkrtest's denominator df and F scale for q restrictions with adjustments A₁, A₂.</summary>
    private static (double Df, double Scale) DfAndScale(int q, double a1, double a2)
    {
        double b = (a1 + 6 * a2) / (2 * q);
        double g = ((q + 1) * a1 - (q + 4) * a2) / ((q + 2) * a2);
        double den = 3 * q + 2 * (1 - g);
        double c1 = g / den, c2 = (q - g) / den, c3 = (q + 2 - g) / den;
        double v0 = 1 + c1 * b, v1 = 1 - c2 * b, v2 = 1 - c3 * b;
        if (Math.Abs(v0) < 1e-10) v0 = 0;
        double num = 1 - a2 / q;
        double ratio = Math.Abs(num) < 1e-14 && Math.Abs(v1) < 1e-14 ? 1 : num / v1;
        double rho = ratio * ratio * v0 / (q * v2);
        double df = 4 + (q + 2) / (q * rho - 1);
        double scale = Math.Abs(df - 2) < 1e-2 ? 1 : df * (1 - a2 / q) / (df - 2);
        return (df, scale);
    }

    /// <inheritdoc />
    public TTestRow Contrast(string name, ReadOnlySpan<double> l)
    {
        var row = l.ToArray();
        double est = 0;
        for (int j = 0; j < _p; j++) est += row[j] * _beta[j];
        double v = Dense.Quadratic(_phiA, row, _p), se = Math.Sqrt(v);
        var (a1, a2) = Adjustments(row, 1);
        double df = DfAndScale(1, a1, a2).Df, t = est / se;
        return new TTestRow(name, est, se, df, t, TDistributions.TwoSidedT(t, df));
    }

    /// <inheritdoc />
    public FTestRow Joint(string term, double[] l, int rows)
    {
        int p = _p;
        var lt = new double[p * rows];
        for (int a = 0; a < rows; a++) for (int j = 0; j < p; j++) lt[a * p + j] = l[a * p + j];
        var lb = Dense.TransposeTimes(lt, _beta, p, rows, 1);
        var vA = Dense.TransposeTimes(lt, Dense.Times(_phiA, lt, p, p, rows), p, rows, rows);
        int q = rows;
        if (Dense.Rank(vA, rows) < rows)
            throw new UserInputException($"--ddf kenward-roger: the hypothesis for {term} has linearly dependent rows");
        var z = Dense.Times(Dense.InverseSpd(vA, rows), lb, rows, rows, 1);
        double wald = 0;
        for (int a = 0; a < rows; a++) wald += lb[a] * z[a];
        double fu = wald / q;
        var (a1, a2) = Adjustments(l, rows);
        var (df, scale) = DfAndScale(q, a1, a2);
        double f = scale * fu;
        return new FTestRow(term, fu * _sigma2 * q, fu * _sigma2, q, df, f, TDistributions.UpperF(f, q, df));
    }
}
