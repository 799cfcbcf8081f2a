using FastGlmm.MonteCarlo;
using FastGlmm.Optimization;

namespace FastGlmm.Fitting;

/// <summary>How to fit a model.</summary>
public sealed record FitOptions
{
    /// <summary>REML (true, lmer's default) or ML for linear mixed models; ignored for GLMMs.</summary>
    public bool Reml { get; init; } = true;

    /// <summary>Quadrature nodes per random-effect dimension for GLMMs: 1 = Laplace (default).</summary>
    public int Nagq { get; init; } = 1;

    /// <summary>
    /// The information matrix in the Laplace determinant for the negative binomial: null for the family's peer's default
    /// (glmmTMB's observed Hessian); <see cref="Likelihood.LaplaceInformation.Expected"/> gives lme4's glmer.nb objective.
    /// </summary>
    public Likelihood.LaplaceInformation? Laplace { get; init; }

    /// <summary>A zero-inflation model (glmmTMB's ziformula) for a count family, or null.</summary>
    public Model.ZeroInflationDesign? ZeroInflation { get; init; }

    /// <summary>
    /// A count model's refit start (a bootstrap replicate): the original fit's v̂ = [θ, β, extra] and its deviance Hessian,
    /// so the optimizer starts there in the units that Hessian whitens and stops at <see cref="CountWarmStart.RhoEnd"/>.
    /// </summary>
    public CountWarmStart? CountStart { get; init; }

    /// <summary>Optimizer tolerances; null for the defaults.</summary>
    public OptimizerSettings? Optimizer { get; init; }

    /// <summary>
    /// Compute Hessian-based standard errors by finite differences. Null follows lme4: only when
    /// n &lt; 10 000 and there are fewer than 20 parameters.
    /// </summary>
    public bool? HessianStandardErrors { get; init; }

    /// <summary>
    /// Fit by Monte Carlo maximum likelihood with these settings (binomial(logit) and poisson(log) GLMMs),
    /// starting from the Laplace fit; null (the default) for Laplace or AGQ by <see cref="Nagq"/>.
    /// </summary>
    public McmlOptions? Mcml { get; init; }

    /// <summary>
    /// The backend GLMM objectives (Laplace, AGQ, nAGQ = 0) run on; null for the CPU. Linear mixed models
    /// use the profiled least-squares path on the CPU whatever this says.
    /// </summary>
    public Backends.GlmmBackendFactory? Backend { get; init; }

    /// <summary>The backend Monte Carlo likelihood's importance weights run on (with <see cref="Mcml"/>); null for the CPU.</summary>
    public Backends.ImportanceBackendFactory? ImportanceBackend { get; init; }

    /// <summary>
    /// Makes the lockstep refit batches of a GLMM parametric bootstrap (<see cref="Inference.ParametricBootstrap"/>);
    /// null for the CPU's. Not used by a fit itself.
    /// </summary>
    public Backends.RefitBatchFactory? RefitBatch { get; init; }
}

/// <summary>A count model's warm start: v = [θ, β, extra], the deviance Hessian there (row-major), the final trust-region radius in whitened units.</summary>
public sealed record CountWarmStart(double[] V, double[] Hessian, double RhoEnd = 2e-2);
