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
    /// Runs PIRLS to convergence from the backend's current modes (a warm start). The backend runs
    /// <see cref="RunBlock{TOps}"/> for every block, each block's iterations back to back while its rows
    /// are in cache. On return u is the mode of every block, the backend holds log det A_b at it
    /// (<see cref="IGlmmBackend.LogDeterminants"/>), and <paramref name="pdev"/>[b] = Σ d_i + ‖u_b‖² there.
    /// </summary>
    public static void Run(IGlmmBackend backend, double[] pdev) => backend.RunPirls(pdev);

    /// <summary>
    /// PIRLS for one block, written once for every backend: evaluate at u (assembling A and r), then
    /// repeat {factor A and take the IRLS update ũ = A⁻¹r; stop if its predicted decrease is ≤
    /// <see cref="DecreaseTolerance"/> (or has stopped shrinking below 1e-18); otherwise evaluate at ũ,
    /// halve the step while the penalized deviance rises (at most 30 times), and accept}. Returns the
    /// penalized deviance at the mode; throws <see cref="PirlsException"/> naming the block on failure.
    /// </summary>
    public static double RunBlock<TOps>(ref TOps ops, int block) where TOps : IPirlsBlockOperations, allows ref struct
    {
        double pdev = ops.EvaluateCurrent();
        if (!double.IsFinite(pdev)) throw new PirlsException(block, "the penalized deviance is not finite at the start");
        double previous = double.PositiveInfinity;
        for (int iter = 0; iter < MaxIterations; iter++)
        {
            if (!ops.Solve(out double decrease))
                throw new PirlsException(block, "the system Λ'Z'WZΛ + I is not positive definite");
            if (decrease <= DecreaseTolerance || (decrease < 1e-18 && decrease > 0.5 * previous)) return pdev;
            previous = decrease;
            double pnew = ops.EvaluateCandidate();
            for (int h = 0; !(pnew <= pdev + 1e-12 * Math.Abs(pdev) + 1e-13); h++)
            {
                if (h == 30)
                {
                    // A step that predicts a negligible decrease but cannot realize it is at rounding level:
                    // u is the mode. Restore the system at u (the candidates overwrote it) and stop.
                    if (decrease < 1e-12)
                    {
                        ops.EvaluateCurrent();
                        ops.Solve(out _);
                        return pdev;
                    }
                    throw new PirlsException(block, $"step-halving failed to reduce the penalized deviance ({pnew:G10} > {pdev:G10})");
                }
                ops.Halve();
                pnew = ops.EvaluateCandidate();
            }
            ops.Accept();
            pdev = pnew;
        }
        throw new PirlsException(block, $"no convergence after {MaxIterations} iterations");
    }

    /// <summary>
    /// As <see cref="Run(IGlmmBackend, double[])"/>, retrying once from u = 0 when the warm start fails:
    /// a warm start from a distant point can fail where a cold start does not.
    /// </summary>
    public static void RunWithColdRestart(IGlmmBackend backend, double[] pdev)
    {
        try { Run(backend, pdev); }
        catch (PirlsException)
        {
            backend.ResetModes();
            Run(backend, pdev);
        }
    }

    /// <summary>Runs PIRLS to convergence from the backend's current modes.</summary>
    public static void Run(IGlmmBackend backend) => Run(backend, new double[backend.Problem.BlockCount]);
}

/// <summary>The per-block operations <see cref="Pirls.RunBlock{TOps}"/> drives; a backend implements them for one block.</summary>
public interface IPirlsBlockOperations
{
    /// <summary>At u: assembles A = Λ'Z'WZΛ + I and r; returns Σ d_i + ‖u‖².</summary>
    double EvaluateCurrent();

    /// <summary>Factors A (keeping log det A), sets ũ = A⁻¹r and the predicted decrease ‖L'(ũ − u)‖²; false if A is not PD.</summary>
    bool Solve(out double decrease);

    /// <summary>At ũ: assembles A and r; returns Σ d_i + ‖ũ‖².</summary>
    double EvaluateCandidate();

    /// <summary>ũ ← (u + ũ)/2.</summary>
    void Halve();

    /// <summary>u ← ũ.</summary>
    void Accept();
}

/// <summary>PIRLS failed in a block; the message names the block and the reason.</summary>
public sealed class PirlsException(int block, string reason)
    : InvalidOperationException($"PIRLS failed in block {block + 1}: {reason}")
{
    /// <summary>The 0-based block.</summary>
    public int Block { get; } = block;
}
