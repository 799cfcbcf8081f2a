namespace FastGlmm.Optimization;

/// <summary>
/// The outcome of a bounded minimization: the best point, its value, the number of objective
/// evaluations, whether a convergence criterion (rather than the evaluation limit) stopped it,
/// and a one-line message saying which.
/// </summary>
public sealed record OptimizerResult(double[] X, double F, int Evaluations, bool Converged, string Message);

/// <summary>Stopping rules for the optimizers.</summary>
public sealed record OptimizerSettings
{
    /// <summary>Stop when max f − min f over the simplex is below this (lme4: FtolAbs = 1e-5).</summary>
    public double FTolAbs { get; init; } = 1e-5;

    /// <summary>Stop when the spread of f is below this times |f| (lme4: FtolRel = 1e-15).</summary>
    public double FTolRel { get; init; } = 1e-15;

    /// <summary>Stop when every vertex is within this relative distance of the best (lme4: XtolRel = 1e-7).</summary>
    public double XTolRel { get; init; } = 1e-7;

    /// <summary>The evaluation limit (lme4: maxfun = 10 000).</summary>
    public int MaxEvaluations { get; init; } = 10_000;
}
