using FastGlmm.Backends;
using FastGlmm.Linalg;

namespace FastGlmm.Likelihood;

/// <summary>
/// PIRLS over the modes u and the fixed effects β together at fixed θ (lme4's nAGQ = 0 stage): each
/// iteration solves the penalized weighted least-squares problem in (u, β) through the backend's
/// per-block factorizations and a p × p reduced system, halving the step in (u, β) while the total
/// penalized deviance Σ d_i + ‖u‖² rises. Converges when the relative decrease is ≤ 1e-10.
/// </summary>
public static class JointPirls
{
    /// <summary>Runs to convergence from the backend's modes and <paramref name="beta"/>; returns β̂(θ).</summary>
    public static double[] Run(IGlmmBackend backend, ReadOnlySpan<double> theta, double[] beta) =>
        Run(backend, theta, beta, out _);

    /// <summary>
    /// As <see cref="Run(IGlmmBackend, ReadOnlySpan{double}, double[])"/>, and also returns
    /// √diag(S⁻¹) from the last reduced system: the R_X-based standard errors of β at θ.
    /// </summary>
    public static double[] Run(IGlmmBackend backend, ReadOnlySpan<double> theta, double[] beta, out double[] standardErrors)
    {
        var th = theta.ToArray();
        int nb = backend.Problem.BlockCount, p = backend.Problem.P;
        var all = new bool[nb];
        Array.Fill(all, true);
        var pd = new double[nb];
        var s = new double[p * p];
        var t = new double[p];
        var b = (double[])beta.Clone();
        backend.SetParameters(th, b);
        // Each pass assembles the system at a point and gives its penalized deviance, so a trial point's
        // assembly is reused as the next iteration's once the point is accepted.
        if (!backend.AssembleJoint(false, s, t, pd)) throw new PirlsException(0, "the joint (u, β) system is not positive definite");
        double pdev = pd.Sum();
        standardErrors = new double[p];
        for (int iter = 0; iter < Pirls.MaxIterations; iter++)
        {
            if (!DenseCholesky.Factor(s, p)) throw new PirlsException(0, "the reduced fixed-effects system is not positive definite");
            var next = (double[])t.Clone();
            DenseCholesky.SolveLower(s, p, next);
            DenseCholesky.SolveUpperTransposed(s, p, next);
            for (int j = 0; j < p; j++)
            {
                var e = new double[p];
                e[j] = 1;
                DenseCholesky.SolveLower(s, p, e);
                standardErrors[j] = Math.Sqrt(e.Sum(x => x * x));
            }
            backend.SolveJoint(next);
            backend.SetParameters(th, next);
            bool ok = backend.AssembleJoint(true, s, t, pd);
            double pnew = ok ? pd.Sum() : double.NaN;
            for (int h = 0; !(pnew <= pdev + 1e-12 * Math.Abs(pdev)); h++)
            {
                if (h == 30) throw new PirlsException(0, "joint step-halving failed to reduce the penalized deviance");
                for (int j = 0; j < p; j++) next[j] = 0.5 * (b[j] + next[j]);
                backend.Halve(all);
                backend.SetParameters(th, next);
                ok = backend.AssembleJoint(true, s, t, pd);
                pnew = ok ? pd.Sum() : double.NaN;
            }
            backend.Accept(all);
            double change = pdev - pnew;
            b = next;
            pdev = pnew;
            if (change <= 1e-10 * (Math.Abs(pnew) + 1)) return b;
        }
        throw new PirlsException(0, $"joint PIRLS did not converge after {Pirls.MaxIterations} iterations");
    }
}
