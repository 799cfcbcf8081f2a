using FastGlmm.Families;
using FastGlmm.Linalg;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>
/// The negative binomial GLM (no random effects) that starts a negative binomial mixed model: β by IRLS at fixed k
/// (weights w·kμ/(k + μ), working response η − offset + (y − μ)/μ, from μ = y + 0.1 as R's poisson starts), then k
/// maximizing Σ wℓ at that μ by golden-section search over log k ∈ [log 10⁻⁴, log 10⁶], alternated until k settles.
/// </summary>
internal static class NegativeBinomialGlm
{
    /// <summary>
    /// β̂, k̂ and the standard errors of β̂ from (X'WX)⁻¹ at the end; with <paramref name="fixedK"/> k is held there (a
    /// large k gives the Poisson GLM).
    /// </summary>
    public static (double[] Beta, double K, double[] Se) Fit(GlmmProblem prob, double? fixedK = null)
    {
        int n = prob.N, p = prob.P;
        var eta = new double[n];
        for (int i = 0; i < n; i++) eta[i] = Math.Log(prob.Y[i] + 0.1);
        double k = fixedK ?? 1;
        var beta = new double[p];
        double[] xtwx = new double[p * p];
        for (int round = 0; round < 20; round++)
        {
            for (int iter = 0; iter < 25; iter++)
            {
                var xtwz = new double[p];
                Array.Clear(xtwx);
                for (int i = 0; i < n; i++)
                {
                    double mu = Math.Exp(eta[i]), w = prob.Weights[i] * NegativeBinomial.ExpectedWeight(mu, k);
                    double z = eta[i] - prob.Offset[i] + (prob.Y[i] - mu) / mu;
                    for (int j = 0; j < p; j++)
                    {
                        double xw = prob.X[(long)j * n + i] * w;
                        xtwz[j] += xw * z;
                        for (int c = 0; c <= j; c++) xtwx[c * p + j] += xw * prob.X[(long)c * n + i];
                    }
                }
                var f = (double[])xtwx.Clone();
                if (!DenseCholesky.Factor(f, p)) throw new NumericalFailureException("X'WX of the negative binomial GLM start is not positive definite");
                DenseCholesky.SolveLower(f, p, xtwz);
                DenseCholesky.SolveUpperTransposed(f, p, xtwz);
                double change = 0;
                for (int j = 0; j < p; j++) change = Math.Max(change, Math.Abs(xtwz[j] - beta[j]) / (Math.Abs(beta[j]) + 0.1));
                beta = xtwz;
                for (int i = 0; i < n; i++)
                {
                    double e = prob.Offset[i];
                    for (int j = 0; j < p; j++) e += prob.X[(long)j * n + i] * beta[j];
                    eta[i] = e;
                }
                if (change < 1e-8) break;
            }
            if (fixedK is not null) break;
            double kNew = MaximizeK(prob, eta);
            bool settled = Math.Abs(Math.Log(kNew / k)) < 1e-6;
            k = kNew;
            if (settled) break;
        }
        var fin = (double[])xtwx.Clone();
        var se = new double[p];
        if (DenseCholesky.Factor(fin, p))
            for (int j = 0; j < p; j++)
            {
                var col = new double[p];
                col[j] = 1;
                DenseCholesky.SolveLower(fin, p, col);
                se[j] = Math.Sqrt(col.Sum(c => c * c));
            }
        for (int j = 0; j < p; j++) if (!(se[j] > 0 && double.IsFinite(se[j]))) se[j] = 1;
        return (beta, k, se);
    }

    /// <summary>η_i = offset_i + x_i'β.</summary>
    public static double Eta(GlmmProblem prob, double[] beta, int i)
    {
        double e = prob.Offset[i];
        for (int j = 0; j < prob.P; j++) e += prob.X[(long)j * prob.N + i] * beta[j];
        return e;
    }

    /// <summary>argmax over k of Σ w log p(y | μ = e^η, k), by golden section in log k.</summary>
    private static double MaximizeK(GlmmProblem prob, double[] eta)
    {
        double LogLik(double logk)
        {
            double kk = Math.Exp(logk), s = 0;
            for (int i = 0; i < prob.N; i++) s += prob.Weights[i] * NegativeBinomial.LogDensity(prob.Y[i], Math.Exp(eta[i]), kk);
            return s;
        }
        double a = Math.Log(1e-4), b = Math.Log(1e6), r = (Math.Sqrt(5) - 1) / 2;
        double c = b - r * (b - a), d = a + r * (b - a), fc = LogLik(c), fd = LogLik(d);
        for (int it = 0; it < 60 && b - a > 1e-7; it++)
        {
            if (fc > fd) { b = d; d = c; fd = fc; c = b - r * (b - a); fc = LogLik(c); }
            else { a = c; c = d; fc = fd; d = a + r * (b - a); fd = LogLik(d); }
        }
        return Math.Exp((a + b) / 2);
    }
}
