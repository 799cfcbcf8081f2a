using FastGlmm.Likelihood;
using FastGlmm.Linalg;
using FastGlmm.Model;
using FastGlmm.Optimization;

namespace FastGlmm.Inference;

/// <summary>
/// Step units for profiling a linear mixed model: approximate standard errors √(2[H⁻¹]_ii) of a deviance's
/// minimizer from its central-difference Hessian H, taken in relative units so that one step size suits
/// parameters of any magnitude. Where H is not finite or not positive definite (a boundary fit), the
/// conditional curvature √(2/H_ii) or a tenth of the parameter's magnitude stands in.
/// </summary>
internal static class LmmProfileScales
{
    private const double Delta = 1e-4;

    /// <summary>
    /// Units of the k variance parameters [SDs, correlations, σ] from the β-profiled deviance <paramref name="f"/>
    /// at its minimizer <paramref name="x"/>: differences are taken in units of max(x_i, σ̂/10) for SDs and σ,
    /// 1/2 for correlations.
    /// </summary>
    public static double[] Variance(Func<double[], double> f, double[] x, ThetaLayout layout, double sigma)
    {
        int k = x.Length;
        var unit = new double[k];
        for (int i = 0; i < k; i++)
            unit[i] = i < layout.Count && !layout.IsDiagonal(i) ? 0.5 : Math.Max(x[i], 0.1 * sigma);
        return FromHessian(f, x, unit);
    }

    /// <summary>Units of θ for the fixed-effect profiles, from the ML deviance over θ at θ̂.</summary>
    public static double[] Theta(LmmDeviance dev, double[] theta)
    {
        var unit = theta.Select(t => Math.Max(Math.Abs(t), 0.1)).ToArray();
        return FromHessian(t => dev.Evaluate(t, reml: false).Deviance, theta, unit);
    }

    /// <summary>σ̂·√((R_X R_X')⁻¹)_jj for each fixed effect j at the evaluation's θ.</summary>
    public static double[] Fixed(LmmEvaluation e, double sigma)
    {
        int p = e.Beta.Length;
        var se = new double[p];
        for (int j = 0; j < p; j++)
        {
            var v = new double[p];
            v[j] = 1;
            DenseCholesky.SolveLower(e.RX, p, v);
            se[j] = sigma * Math.Sqrt(v.Sum(a => a * a));
        }
        return se;
    }

    private static double[] FromHessian(Func<double[], double> f, double[] x, double[] unit)
    {
        int n = x.Length;
        double[] At(double[] u) => [.. u.Select((ui, i) => x[i] + unit[i] * ui)];
        double g(double[] u) => f(At(u));
        var zero = new double[n];
        double f0 = g(zero);
        var (_, h, _) = FiniteDifferences.Derivatives(g, zero, f0, withHessian: true, Delta);
        var se = new double[n];
        var l = (double[])h!.Clone();
        bool pd = l.All(double.IsFinite) && DenseCholesky.Factor(l, n);
        for (int i = 0; i < n; i++)
        {
            double s;
            if (pd)
            {
                var v = new double[n];
                v[i] = 1;
                DenseCholesky.SolveLower(l, n, v);
                s = Math.Sqrt(2 * v.Sum(a => a * a));
            }
            else s = h[i * n + i] > 0 && double.IsFinite(h[i * n + i]) ? Math.Sqrt(2 / h[i * n + i]) : 0.1;
            se[i] = unit[i] * s;
        }
        return se;
    }
}
