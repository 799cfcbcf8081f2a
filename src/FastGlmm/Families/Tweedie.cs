namespace FastGlmm.Families;

/// <summary>
/// The Tweedie distribution with 1 &lt; p &lt; 2 (compound Poisson–Gamma; glmmTMB's tweedie family): mean μ, Var y = φμ^p,
/// a point mass at 0 and a continuous density on y &gt; 0. log f(y) = [y μ^{1−p}/(1 − p) − μ^{2−p}/(2 − p)]/φ + c(y; φ, p)
/// with c = 0 at y = 0 and, for y &gt; 0, c = log W − log y, W = Σ_{j≥1} W_j by Dunn and Smyth's (2005) series:
/// log W_j = j·z − log j! − log Γ(−jα), α = (2 − p)/(1 − p), z = −α log y + α log(p − 1) − (1 − α) log φ − log(2 − p),
/// summed in log space outward from the largest term (j ≈ y^{2−p}/(φ(2 − p))) until the terms fall 37 nats below it.
/// </summary>
public static class Tweedie
{
    /// <summary>c(y; φ, p), the μ-free part of log f (0 for y = 0).</summary>
    public static double LogNormalizer(double y, double phi, double p)
    {
        if (y == 0) return 0;
        double alpha = (2 - p) / (1 - p);
        double z = -alpha * Math.Log(y) + alpha * Math.Log(p - 1) - (1 - alpha) * Math.Log(phi) - Math.Log(2 - p);
        double LogTerm(double j) => j * z - SpecialFunctions.LogGamma(j + 1) - SpecialFunctions.LogGamma(-j * alpha);
        double jMax = Math.Max(1, Math.Round(Math.Pow(y, 2 - p) / (phi * (2 - p))));
        double top = LogTerm(jMax), sum = 1;
        for (double j = jMax + 1; ; j++)
        {
            double t = LogTerm(j) - top;
            sum += Math.Exp(t);
            if (t < -37 || j > jMax + 100_000) break;
        }
        for (double j = jMax - 1; j >= 1; j--)
        {
            double t = LogTerm(j) - top;
            sum += Math.Exp(t);
            if (t < -37) break;
        }
        return top + Math.Log(sum) - Math.Log(y);
    }

    /// <summary>The full log density log f(y | μ, φ, p).</summary>
    public static double LogDensity(double y, double mu, double phi, double p) =>
        ((y == 0 ? 0 : y * Math.Pow(mu, 1 - p) / (1 - p)) - Math.Pow(mu, 2 - p) / (2 - p)) / phi + LogNormalizer(y, phi, p);

    /// <summary>The unit deviance 2w[y^{2−p}/((1 − p)(2 − p)) − yμ^{1−p}/(1 − p) + μ^{2−p}/(2 − p)].</summary>
    public static double DevianceResidual(double y, double mu, double wt, double p) =>
        2 * wt * ((y == 0 ? 0 : Math.Pow(y, 2 - p) / ((1 - p) * (2 - p)) - y * Math.Pow(mu, 1 - p) / (1 - p)) + Math.Pow(mu, 2 - p) / (2 - p));
}
