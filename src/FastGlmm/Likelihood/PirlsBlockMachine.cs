namespace FastGlmm.Likelihood;

/// <summary>What a block's PIRLS needs next from the backend.</summary>
public enum PirlsAction : byte
{
    /// <summary>Assemble A and r at u and report Σ d_i + ‖u‖² (then <see cref="PirlsBlockMachine.Evaluated"/>).</summary>
    EvaluateCurrent,

    /// <summary>Assemble A and r at ũ and report Σ d_i + ‖ũ‖² (then <see cref="PirlsBlockMachine.Evaluated"/>).</summary>
    EvaluateCandidate,

    /// <summary>ũ ← (u + ũ)/2, then as <see cref="EvaluateCandidate"/>.</summary>
    HalveThenEvaluateCandidate,

    /// <summary>Factor A, set ũ = A⁻¹r and report the predicted decrease (then <see cref="PirlsBlockMachine.Solved"/>).</summary>
    Solve,

    /// <summary>u ← ũ, then as <see cref="Solve"/>.</summary>
    AcceptThenSolve,

    /// <summary>The block is at its mode: A is factored there and <see cref="PirlsBlockMachine.PenalizedDeviance"/> holds Σ d_i + ‖û‖².</summary>
    Done,
}

/// <summary>
/// One block's penalized IRLS as a state machine, the single statement of the algorithm that every
/// backend runs: a CPU thread drives one block's machine to the end while its rows are in cache
/// (<see cref="Pirls.RunBlock{TOps}"/>), a GPU backend advances all blocks' machines in lockstep, one
/// batched call per action (<see cref="Pirls.RunLockstep(IBatchedPirlsOperations, Span{double}, double)"/>). The algorithm: evaluate at u (assembling
/// A = Λ'Z'WZΛ + I and r), then repeat {solve ũ = A⁻¹r; stop when the predicted decrease ‖L'(ũ − u)‖² is
/// ≤ <see cref="Pirls.DecreaseTolerance"/> (or has stopped shrinking below 1e-18); otherwise evaluate at
/// ũ, halve the step while the penalized deviance rises (at most 30 times) and accept}. Failures throw
/// <see cref="PirlsException"/> naming the block.
/// </summary>
public struct PirlsBlockMachine
{
    private enum Phase : byte { Start, Candidate, Restore, RestoreSolve, Finished }

    private readonly int _block;
    private readonly double _tolerance;
    private Phase _phase;
    private double _pdev, _previous, _decrease;
    private int _iteration, _halvings;

    /// <summary>A machine for block <paramref name="block"/> (0-based), whose first action is <see cref="PirlsAction.EvaluateCurrent"/>.</summary>
    public PirlsBlockMachine(int block) : this(block, Pirls.DecreaseTolerance) { }

    /// <summary>As <see cref="PirlsBlockMachine(int)"/>, stopping once the predicted decrease is ≤ <paramref name="tolerance"/>.</summary>
    public PirlsBlockMachine(int block, double tolerance)
    {
        _block = block;
        _tolerance = tolerance;
        _phase = Phase.Start;
        _previous = double.PositiveInfinity;
        Next = PirlsAction.EvaluateCurrent;
    }

    /// <summary>The action the block needs next.</summary>
    public PirlsAction Next { get; private set; }

    /// <summary>Σ d_i + ‖u‖² at the accepted u (at the mode once <see cref="Next"/> is <see cref="PirlsAction.Done"/>).</summary>
    public readonly double PenalizedDeviance => _pdev;

    /// <summary>Reports the penalized deviance from an evaluate action.</summary>
    public void Evaluated(double value)
    {
        switch (_phase)
        {
            case Phase.Start:
                if (!double.IsFinite(value)) throw new PirlsException(_block, "the penalized deviance is not finite at the start");
                _pdev = value;
                Next = PirlsAction.Solve;
                return;
            case Phase.Candidate:
                if (value <= _pdev + 1e-12 * Math.Abs(_pdev) + 1e-13)
                {
                    _pdev = value;
                    if (++_iteration == Pirls.MaxIterations)
                        throw new PirlsException(_block, $"no convergence after {Pirls.MaxIterations} iterations");
                    Next = PirlsAction.AcceptThenSolve;
                    return;
                }
                if (_halvings == 30)
                {
                    // A step that predicts a negligible decrease but cannot realize it is at rounding level: u is
                    // the mode. Restore the system at u (the candidates overwrote it) and stop.
                    if (_decrease < 1e-12)
                    {
                        _phase = Phase.Restore;
                        Next = PirlsAction.EvaluateCurrent;
                        return;
                    }
                    throw new PirlsException(_block, $"step-halving failed to reduce the penalized deviance ({value:G10} > {_pdev:G10})");
                }
                _halvings++;
                Next = PirlsAction.HalveThenEvaluateCandidate;
                return;
            case Phase.Restore:
                _phase = Phase.RestoreSolve;
                Next = PirlsAction.Solve;
                return;
            default:
                throw new InvalidOperationException($"PIRLS block {_block + 1}: an evaluation was reported in phase {_phase}");
        }
    }

    /// <summary>Reports a solve action: whether A was positive definite, and the predicted decrease.</summary>
    public void Solved(bool positiveDefinite, double decrease)
    {
        if (_phase == Phase.RestoreSolve)
        {
            Finish();
            return;
        }
        if (!positiveDefinite) throw new PirlsException(_block, "the system Λ'Z'WZΛ + I is not positive definite");
        if (decrease <= _tolerance || (decrease < 1e-18 && decrease > 0.5 * _previous))
        {
            Finish();
            return;
        }
        _previous = decrease;
        _decrease = decrease;
        _halvings = 0;
        _phase = Phase.Candidate;
        Next = PirlsAction.EvaluateCandidate;
    }

    private void Finish()
    {
        _phase = Phase.Finished;
        Next = PirlsAction.Done;
    }
}
