namespace FastGlmm.Model;

/// <summary>One estimated quantity of a Monte Carlo maximum-likelihood fit.</summary>
/// <param name="Name">β's column name, or the random-effect term's θ-style name (e.g. Female.(Intercept)).</param>
/// <param name="Kind">"fixed", "variance", "covariance" or "sd".</param>
/// <param name="Estimate">The estimate (variances as glmm's ν).</param>
/// <param name="StandardError">The standard error from the MCLA Hessian, √[J(−∇²ℓ_m)⁻¹J']_jj.</param>
/// <param name="MonteCarloSe">The Monte Carlo standard error, √[J H⁻¹VH⁻¹ J']_jj with V built per block.</param>
public sealed record MonteCarloParameter(string Name, string Kind, double Estimate, double StandardError, double MonteCarloSe);

/// <summary>What a Monte Carlo maximum-likelihood fit (<c>--method mcml</c>) reports beyond a <see cref="FitResult"/>.</summary>
/// <param name="DrawsPerBlock">m, importance draws per independent block.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Blocks">Independent blocks.</param>
/// <param name="TotalDraws">m × blocks.</param>
/// <param name="MixtureWeights">The importance mixture's weights: t₅, Laplace normal, prior-scaled normal.</param>
/// <param name="Recentrings">How many times the importance densities were re-centred.</param>
/// <param name="Parameters">Every estimate with its SE and MCSE.</param>
/// <param name="LogLikMcse">The Monte Carlo standard error of the log-likelihood estimate.</param>
/// <param name="EffectiveSampleSizes">1/Σ v_k² per block at the estimates.</param>
/// <param name="MinEffectiveSampleSize">The smallest of them.</param>
/// <param name="MedianEffectiveSampleSize">Their median.</param>
/// <param name="LaplaceLogLik">The Laplace log-likelihood at the Laplace estimates (the start).</param>
/// <param name="Iterations">Newton iterations over all centrings.</param>
/// <param name="Warnings">Warnings about the Monte Carlo error, one line each.</param>
public sealed record MonteCarloReport(int DrawsPerBlock, ulong Seed, int Blocks, long TotalDraws, double[] MixtureWeights,
    int Recentrings, IReadOnlyList<MonteCarloParameter> Parameters, double LogLikMcse, double[] EffectiveSampleSizes,
    double MinEffectiveSampleSize, double MedianEffectiveSampleSize, double LaplaceLogLik, int Iterations,
    IReadOnlyList<string> Warnings);
