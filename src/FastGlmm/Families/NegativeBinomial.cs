namespace FastGlmm.Families;

/// <summary>
/// The negative binomial distribution with mean μ and size k (glmmTMB's nbinom2, R's dnbinom(y, size = k, mu = μ)):
/// p(y) = Γ(y + k)/(Γ(k) y!) (k/(k + μ))^k (μ/(k + μ))^y, Var y = μ + μ²/k. With the log link η = log μ, the
/// derivatives of ℓ = log p in η are ∂ℓ/∂η = k(y − μ)/(k + μ) and −∂²ℓ/∂η² = kμ(y + k)/(k + μ)² (the observed
/// information, positive for every y ≥ 0), whose expectation is kμ/(k + μ) = μ²/V(μ) (Fisher's).
/// </summary>
public static class NegativeBinomial
{
    /// <summary>V(μ) = μ + μ²/k.</summary>
    public static double Variance(double mu, double k) => mu + mu * mu / k;

    /// <summary>
    /// log p(y | μ, k) for a count y ≥ 0. log Γ(y + k) − log Γ(k) is summed as Σ_{j&lt;y} log(k + j) for y &lt; 32 (exact
    /// where k is large and the two log-gammas would cancel), and k log(k/(k + μ)) is −k·log1p(μ/k).
    /// </summary>
    public static double LogDensity(double y, double mu, double k)
    {
        double value = -k * StableMath.Log1p(mu / k);
        if (y == 0) return value;
        return value + LogGammaRatio(y, k) - SpecialFunctions.LogGamma(y + 1) + y * (Math.Log(mu) - Math.Log(k + mu));
    }

    /// <summary>log Γ(y + k) − log Γ(k): Σ_{j&lt;y} log(k + j) for whole y &lt; 32, else by the log-gammas.</summary>
    public static double LogGammaRatio(double y, double k)
    {
        if (y == 0) return 0;
        if (y < 32 && y == Math.Floor(y))
        {
            double ratio = 0;
            for (int j = 0; j < (int)y; j++) ratio += Math.Log(k + j);
            return ratio;
        }
        return SpecialFunctions.LogGamma(y + k) - SpecialFunctions.LogGamma(k);
    }

    /// <summary>
    /// nbinom1's log p(y | μ, φ): NB with size μ/φ, log Γ(y + μ/φ) − log Γ(μ/φ) − log y! − (μ/φ) log(1 + φ) + y log(φ/(1 + φ));
    /// 0 at y = μ = 0 (the limit).
    /// </summary>
    public static double LogDensity1(double y, double mu, double phi)
    {
        if (y == 0 && mu == 0) return 0;
        double s = mu / phi, l1 = StableMath.Log1p(phi);
        return LogGammaRatio(y, s) - SpecialFunctions.LogGamma(y + 1) - s * l1 + (y == 0 ? 0 : y * (Math.Log(phi) - l1));
    }

    /// <summary>∂ℓ/∂η = k(y − μ)/(k + μ) (log link).</summary>
    public static double Score(double y, double mu, double k) => k * (y - mu) / (k + mu);

    /// <summary>The observed information −∂²ℓ/∂η² = kμ(y + k)/(k + μ)² (log link).</summary>
    public static double ObservedWeight(double y, double mu, double k)
    {
        double d = k + mu;
        return k * mu * (y + k) / (d * d);
    }

    /// <summary>Fisher's information kμ/(k + μ) (log link).</summary>
    public static double ExpectedWeight(double mu, double k) => k * mu / (k + mu);

    /// <summary>
    /// R's negative.binomial(k)$dev.resids: 2w[y log(max(1, y)/μ) − (y + k) log((y + k)/(μ + k))].
    /// </summary>
    public static double DevianceResidual(double y, double mu, double wt, double k) =>
        2 * wt * (y * Math.Log(Math.Max(1, y) / mu) - (y + k) * Math.Log((y + k) / (mu + k)));
}
