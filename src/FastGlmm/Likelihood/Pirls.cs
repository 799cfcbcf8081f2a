using FastGlmm.Backends;

namespace FastGlmm.Likelihood;

/// <summary>
/// Penalized iteratively reweighted least squares for the conditional modes û at fixed (θ, β), run
/// per independent block over the backend seam: û_b minimizes Σ_{i∈b} d_i(u) + ‖u_b‖². Each
/// iteration takes the IRLS update ũ = A⁻¹r; when that raises a block's penalized deviance the step
/// is halved (up to 30 times). A block stops when the decrease is ≤ 1e-12 relative, which makes û a
/// function of (θ, β) alone, whatever the start. Failures name the block and are thrown as
/// <see cref="PirlsException"/>.
/// </summary>
public static class Pirls
{
    /// <summary>Iteration limit per evaluation.</summary>
    public const int MaxIterations = 200;

    /// <summary>Runs PIRLS to convergence from the backend's current modes (a warm start).</summary>
    public static void Run(IGlmmBackend backend)
    {
        int nb = backend.Problem.BlockCount;
        var active = new bool[nb];
        Array.Fill(active, true);
        var pdev = new double[nb];
        var pnew = new double[nb];
        var ok = new bool[nb];
        var bad = new bool[nb];
        backend.Evaluate(active, candidate: false, pdev);
        for (int b = 0; b < nb; b++)
            if (!double.IsFinite(pdev[b])) throw new PirlsException(b, "the penalized deviance is not finite at the start");
        for (int iter = 0; iter < MaxIterations; iter++)
        {
            backend.Solve(active, ok);
            for (int b = 0; b < nb; b++)
                if (active[b] && !ok[b]) throw new PirlsException(b, "the system Λ'Z'WZΛ + I is not positive definite");
            backend.Evaluate(active, candidate: true, pnew);
            for (int h = 0; ; h++)
            {
                bool any = false;
                for (int b = 0; b < nb; b++)
                {
                    bad[b] = active[b] && !(pnew[b] <= pdev[b] + 1e-12 * Math.Abs(pdev[b]));
                    any |= bad[b];
                }
                if (!any) break;
                if (h == 30)
                {
                    int b = Array.IndexOf(bad, true);
                    throw new PirlsException(b, $"step-halving failed to reduce the penalized deviance ({pnew[b]:G10} > {pdev[b]:G10})");
                }
                backend.Halve(bad);
                backend.Evaluate(bad, candidate: true, pnew);
            }
            backend.Accept(active);
            bool anyActive = false;
            for (int b = 0; b < nb; b++)
            {
                if (!active[b]) continue;
                double change = pdev[b] - pnew[b];
                pdev[b] = pnew[b];
                if (change <= 1e-12 * (Math.Abs(pnew[b]) + 1)) active[b] = false;
                anyActive |= active[b];
            }
            if (!anyActive) return;
        }
        throw new PirlsException(Array.IndexOf(active, true), $"no convergence after {MaxIterations} iterations");
    }
}

/// <summary>PIRLS failed in a block; the message names the block and the reason.</summary>
public sealed class PirlsException(int block, string reason)
    : InvalidOperationException($"PIRLS failed in block {block + 1}: {reason}")
{
    /// <summary>The 0-based block.</summary>
    public int Block { get; } = block;
}
