using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Linalg;

namespace FastGlmm.Likelihood;

/// <summary>
/// A generalized linear model without random effects, fitted by iteratively reweighted least squares
/// from R's starting values (μ₀ = family initialize): β ← (X'WX)⁻¹X'Wz with W = w μ'²/V and
/// z = η − offset + (y − μ)/μ'. Used for the GLMM's starting β.
/// </summary>
public static class GlmIrls
{
    /// <summary>Returns β̂ (length p) after at most 50 iterations (relative deviance change ≤ 1e-10).</summary>
    public static double[] Fit(ModelFrame frame)
    {
        var fam = Family.For(frame.Family);
        int n = frame.RowCount, p = frame.X.Columns;
        var y = frame.Response.Y;
        var wt = frame.Response.Weights;
        var off = frame.Offset;
        var x = frame.X.Values;
        var eta = new double[n];
        for (int i = 0; i < n; i++) eta[i] = fam.Link(fam.InitialMu(y[i], wt[i]));
        var beta = new double[p];
        double devOld = double.PositiveInfinity;
        for (int iter = 0; iter < 50; iter++)
        {
            var a = new double[p * p];
            var r = new double[p];
            for (int i = 0; i < n; i++)
            {
                double mu = fam.LinkInverse(eta[i]), dmu = fam.MuEta(eta[i]);
                double s = dmu / Math.Sqrt(fam.Variance(mu));
                double w = wt[i] * s * s;
                double z = eta[i] - off[i] + (y[i] - mu) / dmu;
                for (int j = 0; j < p; j++)
                {
                    double xj = x[j * n + i] * w;
                    r[j] += xj * z;
                    for (int k = 0; k <= j; k++) a[k * p + j] += xj * x[k * n + i];
                }
            }
            if (!DenseCholesky.Factor(a, p)) throw new InvalidOperationException("GLM start: X'WX is singular");
            DenseCholesky.SolveLower(a, p, r);
            DenseCholesky.SolveUpperTransposed(a, p, r);
            beta = r;
            double dev = 0;
            for (int i = 0; i < n; i++)
            {
                double e = off[i];
                for (int j = 0; j < p; j++) e += x[j * n + i] * beta[j];
                eta[i] = e;
                dev += fam.DevianceResidual(y[i], fam.LinkInverse(e), wt[i]);
            }
            if (Math.Abs(devOld - dev) <= 1e-10 * (Math.Abs(dev) + 0.1)) break;
            devOld = dev;
        }
        return beta;
    }
}
