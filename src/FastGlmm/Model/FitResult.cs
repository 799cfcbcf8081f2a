namespace FastGlmm.Model;

/// <summary>One row of lme4's <c>as.data.frame(VarCorr(fit))</c>: a variance (Var2 null) or a covariance.</summary>
/// <param name="Group">Grouping factor, or "Residual".</param>
/// <param name="Var1">First column name (null for the residual).</param>
/// <param name="Var2">Second column name for a covariance, else null.</param>
/// <param name="Variance">The variance or covariance.</param>
/// <param name="SdOrCorrelation">The standard deviation, or the correlation for a covariance row.</param>
public sealed record VarCorrEntry(string Group, string? Var1, string? Var2, double Variance, double SdOrCorrelation);

/// <summary>
/// The conditional modes b̂ = Λ(θ̂)û of one random-effects term and their conditional standard deviations
/// (√ of the diagonal of σ² Λ(Λ'Z'WZΛ + I)⁻¹Λ' for the level; σ = 1 for GLMMs).
/// </summary>
/// <param name="Group">Grouping factor.</param>
/// <param name="Columns">The term's columns (q).</param>
/// <param name="Levels">The levels (L).</param>
/// <param name="Modes">b̂, L × q row-major.</param>
/// <param name="ConditionalSd">Conditional SDs, L × q row-major.</param>
public sealed record RandomEffectEstimates(string Group, IReadOnlyList<string> Columns, IReadOnlyList<string> Levels,
    double[] Modes, double[] ConditionalSd);

/// <summary>How the optimization went.</summary>
/// <param name="Converged">True when the optimizer converged and the checks passed.</param>
/// <param name="Optimizer">Optimizer name.</param>
/// <param name="Evaluations">Objective evaluations, including those for the checks and standard errors.</param>
/// <param name="Seconds">Wall time of the fit.</param>
/// <param name="MaxAbsGradient">max |∂D/∂parameter| at the optimum (central differences), scaled by the Hessian when available.</param>
/// <param name="HessianPositiveDefinite">Whether the finite-difference Hessian is positive definite (null when not computed).</param>
/// <param name="Singular">A boundary (singular) fit: some diagonal θ below 1e-4.</param>
/// <param name="Messages">Convergence messages and warnings, one line each.</param>
/// <param name="InitialParameters">Start of the optimization ([ψ] for LMMs, [ψ, β] for GLMMs; ψ = θ unless a term has a
/// structured covariance, see <see cref="CovarianceParameters"/>).</param>
/// <param name="FinalParameters">End of the optimization.</param>
public sealed record ConvergenceReport(bool Converged, string Optimizer, int Evaluations, double Seconds,
    double MaxAbsGradient, bool? HessianPositiveDefinite, bool Singular, IReadOnlyList<string> Messages,
    double[] InitialParameters, double[] FinalParameters)
{
    /// <summary>
    /// Every start of the optimization when a boundary (singular) fit was restarted, first the original one; the kept
    /// one is the fit. Null when the fit ran from one start.
    /// </summary>
    public IReadOnlyList<OptimizerStart>? Starts { get; init; }
}

/// <summary>
/// One start of a fit: where it started (the covariance parameters ψ, then β for GLMMs), the −2 log L (or REML
/// criterion) it ended at, its objective evaluations, and whether it is the one kept (the lowest).
/// </summary>
public sealed record OptimizerStart(double[] Start, double Deviance, int Evaluations, bool Kept);

/// <summary>
/// A fitted (generalized) linear mixed model with every number lme4's summary shows and more.
/// Per-observation arrays are in input-row order over the rows used (<see cref="InputRows"/> gives each one's
/// 0-based row in the data). logLik is always fully normalized; Deviance = −2 logLik.
/// </summary>
public sealed record FitResult
{
    /// <summary>The formula as given.</summary>
    public required string Formula { get; init; }
    /// <summary>Family and link, e.g. binomial(logit).</summary>
    public required string Family { get; init; }
    /// <summary>REML, ML, Laplace or AGQ(k).</summary>
    public required string Method { get; init; }
    /// <summary>Number of quadrature nodes per dimension (1 = Laplace; 0 for LMMs).</summary>
    public required int Nagq { get; init; }
    /// <summary>The backend that ran the fit.</summary>
    public required string Backend { get; init; }
    /// <summary>Observations used.</summary>
    public required int Nobs { get; init; }
    /// <summary>Fixed-effect names.</summary>
    public required IReadOnlyList<string> BetaNames { get; init; }
    /// <summary>β̂.</summary>
    public required double[] Beta { get; init; }
    /// <summary>Standard errors used in the summary (Hessian-based when computed, else R_X-based).</summary>
    public required double[] BetaSe { get; init; }
    /// <summary>"hessian" or "rx": which standard errors <see cref="BetaSe"/> holds.</summary>
    public required string BetaSeMethod { get; init; }
    /// <summary>
    /// H = ∂²D/∂v² at the optimum, v = [θ, β] ((nt + p)², row-major; central differences), or null when not computed
    /// (LMMs, large fits, singular fits). Refits (bootstrap, model comparison) start their optimizer's model with it.
    /// </summary>
    public double[]? DevianceHessian { get; init; }
    /// <summary>Hessian-based standard errors (√diag 2[H⁻¹]_ββ), or null when not computed.</summary>
    public double[]? BetaSeHessian { get; init; }
    /// <summary>Standard errors from σ²(R_X'R_X)⁻¹ at the final PIRLS weights.</summary>
    public required double[] BetaSeRX { get; init; }
    /// <summary>The covariance of β̂ matching <see cref="BetaSe"/>, p × p row-major.</summary>
    public required double[] BetaCovariance { get; init; }
    /// <summary>θ names, lme4's.</summary>
    public required IReadOnlyList<string> ThetaNames { get; init; }
    /// <summary>θ̂.</summary>
    public required double[] Theta { get; init; }
    /// <summary>Residual standard deviation σ̂ (LMMs), else null.</summary>
    public double? Sigma { get; init; }
    /// <summary>Variance components.</summary>
    public required IReadOnlyList<VarCorrEntry> VarCorr { get; init; }
    /// <summary>Fully normalized log-likelihood (the REML log-likelihood for REML fits).</summary>
    public required double LogLik { get; init; }
    /// <summary>−2 logLik.</summary>
    public required double Deviance { get; init; }
    /// <summary>Σ squared deviance residuals (lme4's <c>deviance()</c> for GLMMs).</summary>
    public required double DevianceResidualSum { get; init; }
    /// <summary>Parameters counted in AIC: p + #θ (+1 for σ).</summary>
    public required int Df { get; init; }
    /// <summary>n − Df.</summary>
    public required int DfResidual { get; init; }
    /// <summary>−2 logLik + 2 Df.</summary>
    public required double Aic { get; init; }
    /// <summary>−2 logLik + Df log n.</summary>
    public required double Bic { get; init; }
    /// <summary>Number of levels of each grouping factor (distinct groups).</summary>
    public required IReadOnlyDictionary<string, int> GroupLevels { get; init; }
    /// <summary>Conditional modes per term.</summary>
    public required IReadOnlyList<RandomEffectEstimates> RandomEffects { get; init; }
    /// <summary>The per-observation values, computed when first read (see <see cref="FitRows"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public FitRows Rows { get; init; } = FitRows.Empty;
    /// <summary>0-based data row of each observation below, ascending.</summary>
    public int[] InputRows => Rows.InputRows;
    /// <summary>Fitted means μ̂ (conditional on b̂).</summary>
    public double[] Fitted => Rows.Fitted;
    /// <summary>y − μ̂.</summary>
    public double[] ResidualsResponse => Rows.ResidualsResponse;
    /// <summary>(y − μ̂)√(w/V(μ̂)) (divided by σ̂ for LMMs: lme4's scaled residuals).</summary>
    public double[] ResidualsPearson => Rows.ResidualsPearson;
    /// <summary>sign(y − μ̂)√d_i.</summary>
    public double[] ResidualsDeviance => Rows.ResidualsDeviance;
    /// <summary>The optimizer's record and the convergence checks.</summary>
    public required ConvergenceReport Convergence { get; init; }
    /// <summary>Notes from building the model frame (dropped rows and columns, warnings).</summary>
    public required IReadOnlyList<string> FrameMessages { get; init; }
    /// <summary>
    /// The dispersion φ̂ of a Gamma model without random effects (Pearson's Σ w(y − μ̂)²/V(μ̂)/(n − p), R's summary.glm),
    /// which scales its standard errors, or a negative binomial's size k̂ (maximum likelihood); null otherwise.
    /// </summary>
    public double? Dispersion { get; init; }
    /// <summary>A Tweedie fit's power p (maximum likelihood, 1 &lt; p &lt; 2), else null.</summary>
    public double? Power { get; init; }
    /// <summary>What <see cref="Dispersion"/> is, e.g. "nbinom2 size k (glmmTMB's sigma()), maximum likelihood"; null without one.</summary>
    public string? DispersionKind { get; init; }
    /// <summary>The Laplace determinant's information, "observed" (glmmTMB's) or "expected" (lme4's); null where lme4's is the only one used.</summary>
    public string? LaplaceInformation { get; init; }
    /// <summary>The zero-inflation model of a zero-inflated count fit (glmmTMB's ziformula), or null.</summary>
    public ZeroInflationEstimates? ZeroInflation { get; init; }
    /// <summary>The Monte Carlo section of an MCML fit (null otherwise).</summary>
    public MonteCarloReport? MonteCarlo { get; init; }

    /// <summary>
    /// The terms with a structured covariance (diag, cs, ar1): their SDs and correlation as glmmTMB reports them; null when
    /// every term is unstructured. <see cref="Theta"/> holds the factors those imply, in lme4's layout.
    /// </summary>
    public IReadOnlyList<CovarianceStructureReport>? CovarianceStructures { get; init; }
}
