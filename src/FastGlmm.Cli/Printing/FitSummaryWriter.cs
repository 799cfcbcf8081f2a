using FastGlmm.Families;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Cli.Printing;

/// <summary>
/// What the summary needs besides the fit: the data's name, the family, the weights column and, for lmerTest's table,
/// the fixed effects' t tests with denominator degrees of freedom.
/// </summary>
internal sealed record SummaryContext(string Data, FamilySpec Family, string? Weights, FixedEffectTests? Tests = null);

/// <summary>
/// Prints a <see cref="FitResult"/> as lme4 1.1's <c>print(summary(fit))</c> does (digits = 4): title, family,
/// call, REML criterion or the AIC table, scaled residuals, random effects, fixed effects and their correlations.
/// </summary>
internal static class FitSummaryWriter
{
    /// <summary>lme4's <c>lme4.summary.cor.max</c>: the correlation table is omitted above this many fixed effects.</summary>
    public const int CorrelationMax = 12;

    private const int Digits = 4;

    /// <summary>Writes the summary.</summary>
    public static void Write(TextWriter o, FitResult fit, SummaryContext ctx)
    {
        bool lmm = ctx.Family.IsLinearMixedModel;
        o.WriteLine(Title(fit, lmm, ctx.Tests));
        if (!lmm) o.WriteLine($" Family: {FamilySpec.Name(ctx.Family.Family)}  ( {FamilySpec.Name(ctx.Family.Link)} )");
        o.WriteLine("Formula: " + fit.Formula.Trim());
        o.WriteLine("   Data: " + ctx.Data);
        if (ctx.Weights is { } w) o.WriteLine("Weights: " + w);
        o.WriteLine();
        if (fit.Method == "REML")
            o.WriteLine("REML criterion at convergence: " + RFormat.Format(RFormat.Round(fit.Deviance, 1)).Trim());
        else
        {
            var t4 = RFormat.Format(new[] { fit.Aic, fit.Bic, fit.LogLik, fit.Deviance, fit.DfResidual }.Select(v => RFormat.Round(v, 1)).ToArray());
            t4[4] = RFormat.Format(fit.DfResidual);
            TextMatrix.WriteNamed(o, ["AIC", "BIC", "logLik", "deviance", "df.resid"], t4);
        }
        o.WriteLine();
        o.WriteLine("Scaled residuals:");
        var q = RFormat.ZapSmall(fit.Rows.PearsonQuantiles(0, 0.25, 0.5, 0.75, 1), Digits + 1);
        TextMatrix.WriteNamed(o, ["Min", "1Q", "Median", "3Q", "Max"], RFormat.Format(q, Digits));
        o.WriteLine();
        if (fit.ThetaNames.Count == 0) WriteNoRandomEffects(o, fit);
        else
        {
            o.WriteLine("Random effects:");
            RandomEffectsTable.Write(o, fit.VarCorr, Digits, fit.CovarianceStructures);
            o.WriteLine($"Number of obs: {fit.Nobs}, groups:  {string.Join("; ", fit.GroupLevels.Select(g => $"{g.Key}, {g.Value}"))}");
        }
        if (fit.LaplaceInformation is { } information)
        {
            // glmmTMB's line (format(sigma, digits = 3)), and which Laplace objective was maximized.
            o.WriteLine();
            if ((ctx.Family.IsNegativeBinomial || ctx.Family.Family == FamilyId.Beta) && fit.Dispersion is { } size)
                o.WriteLine($"Dispersion parameter for {FamilySpec.Name(ctx.Family.Family)} family (): {RFormat.Format(size, 3).Trim()} ");
            else if (ctx.Family.Family == FamilyId.Tweedie && fit.Dispersion is { } tphi)
            {
                o.WriteLine($"Dispersion parameter for tweedie family (): {RFormat.Format(tphi, 3).Trim()} ");
                o.WriteLine($"Power parameter for tweedie family: {RFormat.Format(fit.Power ?? double.NaN, 4).Trim()}");
            }
            else if (ctx.Family.Family == FamilyId.Gamma && fit.Dispersion is { } phi)
                o.WriteLine($"Dispersion estimate for Gamma family (sigma^2): {RFormat.Format(phi, 3).Trim()} ");
            o.WriteLine(information == "expected"
                ? "Laplace determinant: expected (Fisher) information, lme4's glmer.nb objective"
                : "Laplace determinant: observed information, glmmTMB's objective");
        }
        int p = fit.BetaNames.Count;
        if (p == 0) return;
        o.WriteLine();
        o.WriteLine("Fixed effects:");
        if (ctx.Tests is { } tests)
        {
            // lmerTest's table: the method's standard errors (Kenward–Roger's are adjusted), df, t and p.
            var c = tests.Coefficients;
            CoefficientTable.Write(o, fit.BetaNames, [.. c.Select(r => r.Estimate)], [.. c.Select(r => r.StdError)], "t value",
                [.. c.Select(r => r.T)], "Pr(>|t|)", [.. c.Select(r => r.P)], Digits, [.. c.Select(r => r.Df)]);
        }
        else
        {
            var stat = fit.Beta.Select((b, j) => b / fit.BetaSe[j]).ToArray();
            // lme4 shows z and p only where the scale is fixed (binomial, poisson); t and no p otherwise.
            bool z = ctx.Family.Family is FamilyId.Binomial or FamilyId.Poisson || ctx.Family.IsGlmmTmbFamily;
            CoefficientTable.Write(o, fit.BetaNames, fit.Beta, fit.BetaSe, z ? "z value" : "t value", stat,
                z ? "Pr(>|z|)" : null, z ? stat.Select(TwoSidedNormalP).ToArray() : null, Digits);
        }
        if (p > CorrelationMax)
        {
            o.WriteLine();
            o.WriteLine($"Correlation matrix not shown by default, as p = {p} > {CorrelationMax}.");
            o.WriteLine("Use --json and read beta_covariance if you need it.");
        }
        else if (p > 1) WriteCorrelation(o, fit);
        if (fit.ZeroInflation is { } zi)
        {
            // glmmTMB's "Zero-inflation model:" table (logit scale, z tests).
            o.WriteLine();
            o.WriteLine($"Zero-inflation model ({zi.Formula}, logit link):");
            var zs = zi.Coefficients.Select((c, j) => c / zi.StandardErrors[j]).ToArray();
            CoefficientTable.Write(o, zi.Names, zi.Coefficients, zi.StandardErrors, "z value", zs, "Pr(>|z|)", [.. zs.Select(TwoSidedNormalP)], Digits);
        }
        if (fit.MonteCarlo is { } report) MonteCarloWriter.Write(o, report, Digits, fit.Backend);
    }

    /// <summary>2(1 − Φ(|z|)), computed as 2Φ(−|z|) for full precision in the tail.</summary>
    public static double TwoSidedNormalP(double z) => double.IsNaN(z) ? double.NaN : 2 * StandardNormal.Cdf(-Math.Abs(z));

    /// <summary>A model without random effects: the residual SD (lm's line) or the Gamma dispersion (summary.glm's), and n.</summary>
    private static void WriteNoRandomEffects(TextWriter o, FitResult fit)
    {
        if (fit.Sigma is { } s)
            o.WriteLine(fit.Method == "REML"
                ? $"Residual standard error: {RFormat.Format(s, Digits)} on {fit.Nobs - fit.BetaNames.Count} degrees of freedom"
                : $"Residual standard deviation (maximum likelihood, divisor n): {RFormat.Format(s, Digits)}");
        if (fit.Dispersion is { } phi && fit.Family.StartsWith("Gamma", StringComparison.Ordinal))
            o.WriteLine($"(Dispersion parameter for Gamma family taken to be {RFormat.Format(phi, Digits)})");
        o.WriteLine($"Number of obs: {fit.Nobs}, no random effects");
    }

    private static string Title(FitResult fit, bool lmm, FixedEffectTests? tests)
    {
        if (tests is not null && fit.ThetaNames.Count > 0)
            // lmerTest's title: lme4's method text, then the tests' method.
            return $"Linear mixed model fit by {(fit.Method == "REML" ? "REML" : "maximum likelihood ")}. t-tests use {tests.Method}'s method [lmerModLmerTest]";
        if (fit.ThetaNames.Count == 0 && fit.LaplaceInformation is not null)
            return $"{(fit.ZeroInflation is null ? "Count" : "Zero-inflated count")} model fit by maximum likelihood (no random effects)";
        if (fit.ThetaNames.Count == 0)
            return lmm ? $"Linear model fit by {(fit.Method == "REML" ? "REML" : "maximum likelihood")} (no random effects)"
                : "Generalized linear model fit by maximum likelihood (IRLS; no random effects)";
        if (lmm)
            // lme4 pastes "maximum likelihood" with an empty part, hence its two spaces before the class.
            return $"Linear mixed model fit by {(fit.Method == "REML" ? "REML" : "maximum likelihood ")} ['lmerMod']";
        if (fit.LaplaceInformation is not null)
            return $"{(fit.ZeroInflation is null ? "Generalized" : "Zero-inflated generalized")} linear mixed model fit by maximum likelihood (Laplace Approximation)";
        string how = fit.MonteCarlo is { } mc ? $"(Monte Carlo Likelihood Approximation, m = {mc.DrawsPerBlock} per block)"
            : fit.Nagq == 1 ? "(Laplace Approximation)" : $"(Adaptive Gauss-Hermite Quadrature, nAGQ = {fit.Nagq})";
        return $"Generalized linear mixed model fit by maximum likelihood {how} ['glmerMod']";
    }

    private static void WriteCorrelation(TextWriter o, FitResult fit)
    {
        int p = fit.BetaNames.Count;
        var v = fit.BetaCovariance;
        var cor = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                cor[i * p + j] = RFormat.Round(v[i * p + j] / Math.Sqrt(v[i * p + i] * v[j * p + j]), 3);
        var text = RFormat.Format(cor, 7, nsmall: 3);
        var rowNames = RAbbreviate.Abbreviate(fit.BetaNames, 11);
        var colNames = RAbbreviate.Abbreviate(fit.BetaNames, 6);
        var rows = Enumerable.Range(1, p - 1)
            .Select(i => (IReadOnlyList<string>)Enumerable.Range(0, p - 1).Select(j => j < i ? text[i * p + j] : "").ToList())
            .ToList();
        o.WriteLine();
        o.WriteLine("Correlation of Fixed Effects:");
        TextMatrix.Write(o, rowNames[1..], colNames[..^1], rows, right: false);
    }
}
