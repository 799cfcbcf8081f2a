using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Linalg;
using FastGlmm.Model;
using FastGlmm.Optimization;

namespace FastGlmm.Inference;

/// <summary>One t test of a contrast l'β (a row of lmerTest's coefficient table).</summary>
/// <param name="Name">The coefficient or contrast.</param>
/// <param name="Estimate">l'β̂.</param>
/// <param name="StdError">√(l'Cl), C = vcov(β̂).</param>
/// <param name="Df">The denominator degrees of freedom.</param>
/// <param name="T">l'β̂ / √(l'Cl).</param>
/// <param name="P">P(|t_df| ≥ |T|).</param>
public sealed record TTestRow(string Name, double Estimate, double StdError, double Df, double T, double P);

/// <summary>One F test of L'β = 0 for a model term (a row of lmerTest's anova table).</summary>
/// <param name="Term">The term.</param>
/// <param name="SumSq">F·NumDf·σ̂², lmerTest's "Sum Sq".</param>
/// <param name="MeanSq">F·σ̂².</param>
/// <param name="NumDf">The rank of L.</param>
/// <param name="DenDf">The denominator degrees of freedom.</param>
/// <param name="F">The F statistic.</param>
/// <param name="P">P(F(NumDf, DenDf) ≥ F).</param>
public sealed record FTestRow(string Term, double SumSq, double MeanSq, int NumDf, double DenDf, double F, double P);

/// <summary>
/// Satterthwaite's denominator degrees of freedom for a linear mixed model's fixed effects, as lmerTest computes them.
/// With the variance parameters τ = (θ, σ) at their estimates, A = 2H⁻¹ is their asymptotic covariance (H the
/// Hessian of the deviance −2ℓ(τ) with β profiled: log det(LL') + r²(θ)/σ² + n log 2πσ², plus, for REML,
/// log det(R_XR_X') − p log 2πσ²; a Moore–Penrose inverse over the eigenvalues above 10⁻⁸), and
/// C(τ) = σ²(R_XR_X')⁻¹ is vcov(β̂). For a contrast l, ν = 2(l'Cl)² / (g'Ag) with gᵢ = l'(∂C/∂τᵢ)l; for a
/// q-row L, L'CL = PDP' is decomposed, the rows P'L give q independent t tests with ν_m, F = Σ t_m²/q and
/// the F's denominator df is 2E/(E − q), E = Σ ν_m/(ν_m − 2) (2 when some ν_m ≤ 2; their mean when all are equal).
/// H and ∂C/∂τ are taken by Richardson-extrapolated differences (<see cref="RichardsonDerivatives"/>), as lmerTest's
/// numDeriv does. A model without random effects has ν = n − p exactly (lm's t tests).
/// </summary>
public sealed class Satterthwaite : IDenominatorDf
{
    private readonly double[] _beta, _cov, _a;
    private readonly double[][] _jac;
    private readonly int _p;
    private readonly double _sigma2;
    private readonly double? _exactDf;

    /// <summary>The asymptotic covariance A of τ = (θ, σ) (k × k, row-major; k = #θ + 1).</summary>
    public double[] VarianceParameterCovariance => _a;

    /// <summary>Messages about the Hessian (negative or near-zero eigenvalues), as lmerTest warns.</summary>
    public IReadOnlyList<string> Messages { get; }

    private Satterthwaite(double[] beta, double[] cov, double[] a, double[][] jac, double sigma2, double? exactDf, IReadOnlyList<string> messages)
    {
        _beta = beta;
        _cov = cov;
        _a = a;
        _jac = jac;
        _p = beta.Length;
        _sigma2 = sigma2;
        _exactDf = exactDf;
        Messages = messages;
    }

    /// <summary>Builds the Satterthwaite machinery of a fitted LMM (or LM) on its frame.</summary>
    /// <exception cref="UserInputException">The model is not a linear (mixed) model.</exception>
    public static Satterthwaite Create(ModelFrame frame, FitResult fit)
    {
        Model.CovarianceParameters.RefuseStructured(frame, "Satterthwaite's denominator df");
        if (!frame.Family.IsLinearMixedModel || fit.Sigma is not { } sigma)
            throw new UserInputException("--ddf: denominator degrees of freedom apply to linear mixed models (gaussian, identity link) only; a GLMM's summary uses z tests, as lme4's");
        if (frame.RandomTerms.Count == 0)
            return new Satterthwaite(fit.Beta, fit.BetaCovariance, [], [], sigma * sigma, fit.Nobs - fit.Beta.Length, []);
        return At(frame, fit.Method == "REML", fit.Theta, sigma);
    }

    /// <summary>The machinery at given θ and σ (β at β̂(θ)); for checks against a peer's estimates.</summary>
    internal static Satterthwaite At(ModelFrame frame, bool reml, double[] theta, double sigma)
    {
        int n = frame.RowCount, p = frame.X.Columns;
        var dev = new LmmDeviance(new LmmCrossProducts(frame), new ThetaLayout(frame.RandomTerms));
        int nt = theta.Length;
        double[] tau = [.. theta, sigma];
        double Deviance(double[] v)
        {
            var e = Evaluate(dev, v, nt, reml);
            double s2 = v[nt] * v[nt], d = e.LogDetL + e.PenalizedRss / s2 + n * Math.Log(2 * Math.PI * s2);
            return reml ? d + e.LogDetRX - p * Math.Log(2 * Math.PI * s2) : d;
        }
        double[] Covariance(double[] v) => Vcov(Evaluate(dev, v, nt, reml), v[nt] * v[nt], p);
        var h = RichardsonDerivatives.Hessian(Deviance, tau);
        var (a, messages) = PseudoInverseTimesTwo(h, tau.Length);
        var jac = RichardsonDerivatives.Jacobian(Covariance, tau);
        var at = Evaluate(dev, tau, nt, reml);
        return new Satterthwaite(at.Beta, Vcov(at, sigma * sigma, p), a, jac, sigma * sigma, null, messages);
    }

    private static LmmEvaluation Evaluate(LmmDeviance dev, double[] v, int nt, bool reml)
    {
        try { return dev.Evaluate(v.AsSpan(0, nt), reml); }
        catch (NumericalFailureException ex)
        {
            throw new UserInputException($"--ddf: the deviance cannot be evaluated near the estimates ({ex.Message}), so Satterthwaite's degrees of freedom are not available");
        }
    }

    /// <summary>σ²(R_XR_X')⁻¹, p × p row-major.</summary>
    private static double[] Vcov(LmmEvaluation e, double s2, int p)
    {
        var c = new double[p * p];
        for (int j = 0; j < p; j++)
        {
            var v = new double[p];
            v[j] = 1;
            DenseCholesky.SolveLower(e.RX, p, v);
            DenseCholesky.SolveUpperTransposed(e.RX, p, v);
            for (int k = 0; k < p; k++) c[k * p + j] = s2 * v[k];
        }
        // Symmetrize: the two triangular solves leave rounding-level asymmetry.
        for (int j = 0; j < p; j++) for (int k = 0; k < j; k++) c[j * p + k] = c[k * p + j] = (c[j * p + k] + c[k * p + j]) / 2;
        return c;
    }

    /// <summary>2H⁺ over the eigenvalues above 10⁻⁸, with lmerTest's warnings for negative and near-zero ones.</summary>
    private static (double[], List<string>) PseudoInverseTimesTwo(double[] h, int k)
    {
        const double tol = 1e-8;
        var (values, vectors) = SymmetricEigen.Decompose(h, k);
        var messages = new List<string>();
        var neg = values.Where(v => v < -tol).ToArray();
        var zero = values.Where(v => v >= -tol && v <= tol).ToArray();
        if (neg.Length > 0)
            messages.Add($"Satterthwaite: the deviance's Hessian in (θ, σ) has {neg.Length} negative eigenvalue(s) ({string.Join(" ", neg.Select(v => v.ToString("0.0e+00", System.Globalization.CultureInfo.InvariantCulture)))}): the model may not have converged");
        if (zero.Length > 0)
            messages.Add($"Satterthwaite: the deviance's Hessian in (θ, σ) has {zero.Length} eigenvalue(s) close to zero ({string.Join(" ", zero.Select(v => v.ToString("0.0e+00", System.Globalization.CultureInfo.InvariantCulture)))}): the model may not have converged (a singular fit)");
        var a = new double[k * k];
        for (int m = 0; m < k; m++)
        {
            if (values[m] <= tol) continue;
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++) a[i * k + j] += 2 * vectors[m * k + i] * vectors[m * k + j] / values[m];
        }
        return (a, messages);
    }

    /// <summary>l'Ml for a symmetric p × p M.</summary>
    private double Quadratic(ReadOnlySpan<double> l, double[] m) => Dense.Quadratic(m, l, _p);

    /// <summary>The degrees of freedom of l'β̂ whose variance is <paramref name="variance"/> = l'Cl.</summary>
    private double Df(ReadOnlySpan<double> l, double variance)
    {
        if (_exactDf is { } exact) return exact;
        int k = _jac.Length;
        var g = new double[k];
        for (int i = 0; i < k; i++) g[i] = Quadratic(l, _jac[i]);
        double denom = 0;
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) denom += g[i] * _a[i * k + j] * g[j];
        return 2 * variance * variance / denom;
    }

    /// <summary>The t test of l'β = 0 for a contrast l (length p).</summary>
    public TTestRow Contrast(string name, ReadOnlySpan<double> l)
    {
        double est = 0;
        for (int j = 0; j < _p; j++) est += l[j] * _beta[j];
        double v = Quadratic(l, _cov), se = Math.Sqrt(v), df = Df(l, v), t = est / se;
        return new TTestRow(name, est, se, df, t, TDistributions.TwoSidedT(t, df));
    }

    /// <summary>
    /// The F test of Lβ = 0 for an r × p matrix L (row-major, r ≥ 1 rows): its numerator df is the rank of L'CL
    /// (eigenvalues above √ε times the largest), as lmerTest's <c>contestMD</c>.
    /// </summary>
    public FTestRow Joint(string term, double[] l, int rows)
    {
        var vl = new double[rows * rows];
        for (int a = 0; a < rows; a++)
            for (int b = 0; b < rows; b++)
            {
                double s = 0;
                for (int i = 0; i < _p; i++)
                {
                    double r = 0;
                    for (int j = 0; j < _p; j++) r += _cov[i * _p + j] * l[b * _p + j];
                    s += l[a * _p + i] * r;
                }
                vl[a * rows + b] = s;
            }
        var (d, pm) = SymmetricEigen.Decompose(vl, rows);
        double tol = Math.Max(Math.Sqrt(2.220446049250313e-16) * d[0], 0);
        int q = d.Count(v => v > tol);
        var nu = new double[q];
        double f = 0;
        for (int m = 0; m < q; m++)
        {
            // Row m of P'L.
            var lm = new double[_p];
            for (int a = 0; a < rows; a++) for (int j = 0; j < _p; j++) lm[j] += pm[m * rows + a] * l[a * _p + j];
            double est = 0;
            for (int j = 0; j < _p; j++) est += lm[j] * _beta[j];
            f += est * est / d[m];
            nu[m] = Df(lm, d[m]);
        }
        f /= q;
        double den = FDenominator(nu);
        return new FTestRow(term, f * q * _sigma2, f * _sigma2, q, den, f, TDistributions.UpperF(f, q, den));
    }

    /// <summary>lmerTest's pooling of the q per-row df into the F's denominator df.</summary>
    private static double FDenominator(double[] nu)
    {
        if (nu.Length == 1) return nu[0];
        if (nu.Zip(nu.Skip(1)).All(x => Math.Abs(x.First - x.Second) < 1e-8)) return nu.Average();
        if (nu.Any(v => v <= 2)) return 2;
        double e = nu.Sum(v => v / (v - 2));
        return 2 * e / (e - nu.Length);
    }
}
