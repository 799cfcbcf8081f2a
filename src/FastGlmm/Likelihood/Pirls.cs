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
    /// A looser stopping rule for objectives that are only optimized to a coarse tolerance (bootstrap refits, whose
    /// optimizer stops at 1e-2 to 2e-2 standard errors): the penalized deviance is then exact to ~1e-14 and the Laplace
    /// terms to ~1e-7, far inside what such an optimizer resolves, and one IRLS pass per evaluation is saved.
    /// Not for fits whose Hessian is taken by finite differences.
    /// </summary>
    public const double CoarseDecreaseTolerance = 1e-14;

    /// <summary>
    /// Runs PIRLS to convergence from the backend's current modes (a warm start). The backend runs
    /// <see cref="RunBlock{TOps}"/> for every block, each block's iterations back to back while its rows
    /// are in cache. On return u is the mode of every block, the backend holds log det A_b at it
    /// (<see cref="IGlmmBackend.LogDeterminants"/>), and <paramref name="pdev"/>[b] = Σ d_i + ‖u_b‖² there.
    /// </summary>
    public static void Run(IGlmmBackend backend, double[] pdev, double tolerance = DecreaseTolerance) =>
        backend.RunPirls(pdev, tolerance);

    /// <summary>
    /// PIRLS for one block: drives a <see cref="PirlsBlockMachine"/> to the end through the block's
    /// operations. Returns the penalized deviance at the mode; throws <see cref="PirlsException"/> naming
    /// the block on failure.
    /// </summary>
    public static double RunBlock<TOps>(ref TOps ops, int block, double tolerance = DecreaseTolerance)
        where TOps : IPirlsBlockOperations, allows ref struct
    {
        var machine = new PirlsBlockMachine(block, tolerance);
        while (true)
        {
            switch (machine.Next)
            {
                case PirlsAction.EvaluateCurrent: machine.Evaluated(ops.EvaluateCurrent()); break;
                case PirlsAction.EvaluateCandidate: machine.Evaluated(ops.EvaluateCandidate()); break;
                case PirlsAction.HalveThenEvaluateCandidate: ops.Halve(); machine.Evaluated(ops.EvaluateCandidate()); break;
                case PirlsAction.AcceptThenSolve: ops.Accept(); goto case PirlsAction.Solve;
                case PirlsAction.Solve: { bool ok = ops.Solve(out double d); machine.Solved(ok, d); break; }
                default: return machine.PenalizedDeviance;
            }
        }
    }

    /// <summary>
    /// PIRLS for all blocks in lockstep (the GPU backends' driver): every block's
    /// <see cref="PirlsBlockMachine"/> advances together, and each round issues one batched call per kind of
    /// action to the blocks that need it. The result equals <see cref="RunBlock{TOps}"/> per block. On return
    /// <paramref name="pdev"/>[b] = Σ d_i + ‖û_b‖² and every A_b is factored at û.
    /// </summary>
    public static void RunLockstep(IBatchedPirlsOperations ops, Span<double> pdev, double tolerance = DecreaseTolerance)
    {
        var machines = new PirlsBlockMachine[pdev.Length];
        for (int b = 0; b < machines.Length; b++) machines[b] = new PirlsBlockMachine(b, tolerance);
        RunLockstep(ops, machines, pdev, null);
    }

    /// <summary>
    /// As <see cref="RunLockstep(IBatchedPirlsOperations, Span{double}, double)"/> over caller-made machines (each with
    /// its own block number, for messages, and tolerance), entry b of every batched call being <paramref name="machines"/>[b].
    /// Without <paramref name="failures"/> the first failure is thrown. With it (length = machines), a failing
    /// entry's <see cref="PirlsException"/> is stored in <paramref name="failures"/>[b], its <paramref name="pdev"/>[b]
    /// is NaN, it takes no further action, and the others run on: independent problems batched together (the
    /// replicates of a lockstep refit) fail one by one.
    /// </summary>
    public static void RunLockstep(IBatchedPirlsOperations ops, PirlsBlockMachine[] machines, Span<double> pdev, PirlsException?[]? failures)
    {
        int nb = machines.Length;
        var mask = new bool[nb];
        var values = new double[nb];
        var ok = new bool[nb];
        ReadOnlySpan<PirlsAction> order =
        [
            PirlsAction.EvaluateCurrent, PirlsAction.HalveThenEvaluateCandidate, PirlsAction.EvaluateCandidate,
            PirlsAction.AcceptThenSolve, PirlsAction.Solve,
        ];
        void Report(int b, bool solved)
        {
            if (failures is null)
            {
                if (solved) machines[b].Solved(ok[b], values[b]);
                else machines[b].Evaluated(values[b]);
                return;
            }
            try
            {
                if (solved) machines[b].Solved(ok[b], values[b]);
                else machines[b].Evaluated(values[b]);
            }
            catch (PirlsException e) { failures[b] = e; }
        }
        while (true)
        {
            bool active = false;
            foreach (var action in order)
            {
                bool any = false;
                for (int b = 0; b < nb; b++) any |= mask[b] = machines[b].Next == action && failures?[b] is null;
                if (!any) continue;
                active = true;
                switch (action)
                {
                    case PirlsAction.EvaluateCurrent:
                    case PirlsAction.EvaluateCandidate:
                    case PirlsAction.HalveThenEvaluateCandidate:
                        if (action == PirlsAction.HalveThenEvaluateCandidate) ops.Halve(mask);
                        ops.Evaluate(action != PirlsAction.EvaluateCurrent, mask, values);
                        for (int b = 0; b < nb; b++) if (mask[b]) Report(b, solved: false);
                        break;
                    default:
                        if (action == PirlsAction.AcceptThenSolve) ops.Accept(mask);
                        ops.Solve(mask, ok, values);
                        for (int b = 0; b < nb; b++) if (mask[b]) Report(b, solved: true);
                        break;
                }
            }
            if (!active) break;
        }
        for (int b = 0; b < nb; b++) pdev[b] = failures?[b] is null ? machines[b].PenalizedDeviance : double.NaN;
    }

    /// <summary>
    /// As <see cref="Run(IGlmmBackend, double[], double)"/>, retrying once from u = 0 when the warm start fails:
    /// a warm start from a distant point can fail where a cold start does not.
    /// </summary>
    public static void RunWithColdRestart(IGlmmBackend backend, double[] pdev, double tolerance = DecreaseTolerance)
    {
        try { Run(backend, pdev, tolerance); }
        catch (PirlsException)
        {
            backend.ResetModes();
            Run(backend, pdev, tolerance);
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

/// <summary>
/// The batched operations <see cref="Pirls.RunLockstep(IBatchedPirlsOperations, Span{double}, double)"/> issues: each acts on the flagged blocks at once.
/// </summary>
public interface IBatchedPirlsOperations
{
    /// <summary>
    /// For each flagged block b, at u (or at ũ when <paramref name="candidate"/>): assembles A_b and r_b and
    /// writes Σ_{i∈b} d_i + ‖u_b‖² to <paramref name="pdev"/>[b].
    /// </summary>
    void Evaluate(bool candidate, ReadOnlySpan<bool> flagged, Span<double> pdev);

    /// <summary>
    /// For each flagged block: factors A_b (keeping log det A_b), sets ũ_b = A_b⁻¹r_b, writes whether A_b was
    /// positive definite to <paramref name="positiveDefinite"/>[b] and ‖L_b'(ũ_b − u_b)‖² to <paramref name="decrease"/>[b].
    /// </summary>
    void Solve(ReadOnlySpan<bool> flagged, Span<bool> positiveDefinite, Span<double> decrease);

    /// <summary>For each flagged block, ũ_b ← (u_b + ũ_b)/2.</summary>
    void Halve(ReadOnlySpan<bool> flagged);

    /// <summary>For each flagged block, u_b ← ũ_b.</summary>
    void Accept(ReadOnlySpan<bool> flagged);
}

/// <summary>PIRLS failed in a block; the message names the block and the reason.</summary>
public sealed class PirlsException(int block, string reason)
    : InvalidOperationException($"PIRLS failed in block {block + 1}: {reason}")
{
    /// <summary>The 0-based block.</summary>
    public int Block { get; } = block;
}

/// <summary>
/// A factorization or iteration outside PIRLS failed numerically (the GLM start's X'WX, an LMM's Λ'Z'ZΛ + I or its
/// fixed-effects system, the final state's factors, an importance density's precision).
/// </summary>
public sealed class NumericalFailureException(string message) : InvalidOperationException(message);
