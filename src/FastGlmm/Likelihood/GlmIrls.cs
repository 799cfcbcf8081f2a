using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Linalg;

namespace FastGlmm.Likelihood;

/// <summary>
/// A generalized linear model without random effects, fitted by iteratively reweighted least squares
/// from R's starting values (μ₀ = family initialize): β ← (X'WX)⁻¹X'Wz with W = w μ'²/V and
/// z = η − offset + (y − μ)/μ'. Used for the GLMM's starting β, and as the fit of a model without random effects.
/// </summary>
public static class GlmIrls
{
    /// <summary>The most IRLS iterations (R's glm.control maxit is 25).</summary>
    public const int MaxIterations = 50;

    /// <summary>Returns β̂ (length p) after at most <see cref="MaxIterations"/> iterations (relative deviance change ≤ 1e-10).</summary>
    public static double[] Fit(ModelFrame frame) => FitWithReport(frame).Beta;

    /// <summary>β̂ (length p), the iterations run and whether the relative deviance change reached 1e-10.</summary>
    public static (double[] Beta, int Iterations, bool Converged) FitWithReport(ModelFrame frame) =>
        FamilyDispatch.Run(frame.Family, new Irls(frame));

    private sealed class Irls(ModelFrame frame) : IFamilyOperation<(double[], int, bool)>
    {
        public (double[], int, bool) Invoke<TLink, TDist>() where TLink : struct, ILink where TDist : struct, IDistribution =>
            Run<TLink, TDist>(frame);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static (double[], int, bool) Run<TLink, TDist>(ModelFrame frame) where TLink : struct, ILink where TDist : struct, IDistribution
    {
        int n = frame.RowCount, p = frame.X.Columns;
        var y = frame.Response.YArray; // shared with the frame, read only
        var wt = frame.Response.WeightsArray;
        var off = frame.OffsetArray;
        var x = frame.X.ValuesArray;
        var beta = new double[p];
        double devOld = double.PositiveInfinity;
        // Rows are split into a fixed number of chunks whose partial sums are added in chunk order, so the
        // result does not depend on the thread count.
        int chunks = (int)Math.Min(16, (n + 8191) / 8192);
        var pa = new double[chunks][];
        var pr = new double[chunks][];
        var pd = new double[chunks];
        for (int c = 0; c < chunks; c++) { pa[c] = new double[p * p]; pr[c] = new double[p]; }
        var a = new double[p * p];
        var r = new double[p];
        // One pass per iteration: at β_k (at R's μ₀ on the first pass) it gives η, μ, the deviance D_k and the sums
        // X'WX, X'Wz of the next least-squares problem, so that no per-row η is stored. D_k is compared with
        // D_{k−1} before β_{k+1} is solved for.
        for (int iter = 0; iter <= MaxIterations; iter++)
        {
            var bt = beta;
            bool first = iter == 0;
            Parallel.For(0, chunks, c =>
            {
                var ac = pa[c];
                var rc = pr[c];
                Array.Clear(ac);
                Array.Clear(rc);
                double dc = 0;
                for (int i = (int)((long)n * c / chunks); i < (int)((long)n * (c + 1) / chunks); i++)
                {
                    double eta;
                    if (first) eta = TLink.Link(TDist.InitialMu(y[i], wt[i]));
                    else
                    {
                        eta = off[i];
                        for (int j = 0; j < p; j++) eta += x[(long)j * n + i] * bt[j];
                    }
                    double mu = TLink.LinkInverse(eta), dmu = TLink.MuEta(eta);
                    if (!first) dc += TDist.DevianceResidual(y[i], mu, wt[i]);
                    double s = dmu / Math.Sqrt(TDist.Variance(mu));
                    double w = wt[i] * s * s;
                    double z = eta - off[i] + (y[i] - mu) / dmu;
                    for (int j = 0; j < p; j++)
                    {
                        double xj = x[(long)j * n + i] * w;
                        rc[j] += xj * z;
                        for (int k = 0; k <= j; k++) ac[k * p + j] += xj * x[(long)k * n + i];
                    }
                }
                pd[c] = dc;
            });
            if (!first)
            {
                double dev = 0;
                for (int c = 0; c < chunks; c++) dev += pd[c];
                if (Math.Abs(devOld - dev) <= 1e-10 * (Math.Abs(dev) + 0.1)) return (beta, iter, true);
                devOld = dev;
                if (iter == MaxIterations) break;
            }
            Array.Clear(a);
            Array.Clear(r);
            for (int c = 0; c < chunks; c++)
            {
                for (int j = 0; j < p * p; j++) a[j] += pa[c][j];
                for (int j = 0; j < p; j++) r[j] += pr[c][j];
            }
            if (!DenseCholesky.Factor(a, p)) throw new NumericalFailureException("GLM start: X'WX is singular");
            DenseCholesky.SolveLower(a, p, r);
            DenseCholesky.SolveUpperTransposed(a, p, r);
            beta = (double[])r.Clone();
        }
        return (beta, MaxIterations, false);
    }
}
