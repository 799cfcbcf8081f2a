using FastGlmm.Backends;

namespace FastGlmm.Likelihood;

/// <summary>
/// Penalized iteratively reweighted least squares for the conditional modes û at fixed (θ, β), run
/// per independent block over the backend seam: û_b minimizes Σ_{i∈b} d_i(u) + ‖u_b‖². Each
/// iteration takes the IRLS update ũ = A⁻¹r; when that raises a block's penalized deviance the step
/// is halved (up to 30 times). A block stops when the update's predicted decrease is ≤ 1e-14, which
/// makes û a function of (θ, β) alone, whatever the start. Failures name the block and are thrown as
/// <see cref="PirlsException"/>.
/// </summary>
public static class Pirls
{
    /// <summary>Iteration limit per evaluation.</summary>
    public const int MaxIterations = 200;

    /// <summary>
    /// Converged when the IRLS step's predicted decrease ‖L'(ũ − u)‖² is at most this: the remaining
    /// correction to u is then ~1e-12/√A, so the Laplace terms at u are exact to ~1e-12 per block, which
    /// finite-difference Hessians (δ = 1e-4) need. A step that stops shrinking below 1e-18 also ends
    /// the iteration (rounding level).
    /// </summary>
    public const double DecreaseTolerance = 1e-24;

    /// <summary>
    /// Runs PIRLS to convergence from the backend's current modes (a warm start). On return, for every
    /// block, u is the mode and the backend holds log det A_b at it (<see cref="IGlmmBackend.LogDeterminants"/>);
    /// <paramref name="pdev"/>[b] holds the penalized deviance Σ d_i + ‖u_b‖² there.
    /// </summary>
    public static void Run(IGlmmBackend backend, double[] pdev)
    {
        int nb = backend.Problem.BlockCount;
        var active = new bool[nb];
        Array.Fill(active, true);
        var pnew = new double[nb];
        var ok = new bool[nb];
        var bad = new bool[nb];
        var decrease = new double[nb];
        var previous = new double[nb];
        Array.Fill(previous, double.PositiveInfinity);
        backend.Evaluate(active, candidate: false, pdev);
        for (int b = 0; b < nb; b++)
            if (!double.IsFinite(pdev[b])) throw new PirlsException(b, "the penalized deviance is not finite at the start");
        for (int iter = 0; iter < MaxIterations; iter++)
        {
            backend.Solve(active, ok, decrease);
            bool anyActive = false;
            for (int b = 0; b < nb; b++)
            {
                if (!active[b]) continue;
                if (!ok[b]) throw new PirlsException(b, "the system Λ'Z'WZΛ + I is not positive definite");
                if (decrease[b] <= DecreaseTolerance || (decrease[b] < 1e-18 && decrease[b] > 0.5 * previous[b])) active[b] = false;
                previous[b] = decrease[b];
                anyActive |= active[b];
            }
            if (!anyActive) return;
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
            for (int b = 0; b < nb; b++) if (active[b]) pdev[b] = pnew[b];
        }
        throw new PirlsException(Array.IndexOf(active, true), $"no convergence after {MaxIterations} iterations");
    }

    /// <summary>Runs PIRLS to convergence from the backend's current modes.</summary>
    public static void Run(IGlmmBackend backend) => Run(backend, new double[backend.Problem.BlockCount]);
}

/// <summary>PIRLS failed in a block; the message names the block and the reason.</summary>
public sealed class PirlsException(int block, string reason)
    : InvalidOperationException($"PIRLS failed in block {block + 1}: {reason}")
{
    /// <summary>The 0-based block.</summary>
    public int Block { get; } = block;
}
