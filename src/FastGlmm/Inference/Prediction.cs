using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Inference;

/// <summary>Which random effects a prediction uses.</summary>
public enum PredictionLevel
{
    /// <summary>None: η = offset + Xβ̂ (lme4's <c>re.form = NA</c>; a new level's prediction).</summary>
    Population,
    /// <summary>The fitted modes: η = offset + Xβ̂ + Zb̂ (lme4's default <c>re.form = NULL</c>).</summary>
    Conditional,
    /// <summary>Averaged over the random-effects distribution: E_b[g⁻¹(offset + Xβ̂ + Zb)], b ~ N(0, Σ̂).</summary>
    Marginal,
}

/// <summary>The scale of a prediction.</summary>
public enum PredictionScale
{
    /// <summary>The linear predictor η (for <see cref="PredictionLevel.Marginal"/>: g of the marginal mean).</summary>
    Link,
    /// <summary>The mean μ = g⁻¹(η).</summary>
    Response,
}

/// <summary>Predictions for the rows a model was fitted to.</summary>
/// <param name="InputRows">0-based data rows, ascending (as <see cref="FitResult.InputRows"/>).</param>
/// <param name="Values">One prediction per row (n).</param>
/// <param name="Level">The random effects used.</param>
/// <param name="Scale">Link or response scale.</param>
public sealed record Predictions(int[] InputRows, double[] Values, PredictionLevel Level, PredictionScale Scale);

/// <summary>
/// Population-level, conditional and population-averaged (marginal) predictions from a fitted model, as lme4's
/// <c>predict(fit, re.form = NA)</c>, <c>predict(fit)</c> and the marginal mean E[μ] that a cluster-specific logit
/// or log model implies for the population. The marginal mean integrates over the random effects numerically:
/// at row i, zᵢ'b ~ N(0, s_i²) with s_i² = Σ_t z_{i,t}'Σ_t z_{i,t} (Σ_t = σ²T_tT_t', terms independent), so
/// E[μ_i] = ∫ g⁻¹(η_i + s_i x) φ(x) dx, taken by a K-node Gauss–Hermite rule (K = 64: for the logit with
/// s ≤ 5 the rule's error is below 1e-10).
/// </summary>
public static class Prediction
{
    /// <summary>Gauss–Hermite nodes used for marginal means.</summary>
    public const int MarginalNodes = 64;

    /// <summary>Predictions at <paramref name="level"/> on <paramref name="scale"/> for the rows of <paramref name="frame"/>,
    /// the frame <paramref name="fit"/> was fitted to.</summary>
    /// <exception cref="UserInputException">The fit and the frame do not belong together.</exception>
    public static Predictions Predict(ModelFrame frame, FitResult fit, PredictionLevel level, PredictionScale scale)
    {
        int n = frame.RowCount, p = frame.X.Columns;
        if (fit.Nobs != n || fit.Beta.Length != p || fit.RandomEffects.Count != frame.RandomTerms.Count)
            throw new UserInputException($"the fit ({fit.Nobs} rows, {fit.Beta.Length} coefficients) does not belong to this model frame ({n} rows, {p} columns)");
        var family = Family.For(frame.Family);
        var eta = LinearPredictor(frame, fit, level == PredictionLevel.Conditional);
        var values = new double[n];
        if (level == PredictionLevel.Marginal)
        {
            var sd = RandomEffectSd(frame, fit);
            var rule = GaussHermiteRule.Get(MarginalNodes);
            for (int i = 0; i < n; i++)
            {
                double mu = 0;
                for (int k = 0; k < rule.Count; k++) mu += rule.Weights[k] * family.LinkInverse(eta[i] + sd[i] * rule.Nodes[k]);
                values[i] = scale == PredictionScale.Response ? mu : family.Link(mu);
            }
        }
        else
        {
            for (int i = 0; i < n; i++) values[i] = scale == PredictionScale.Response ? family.LinkInverse(eta[i]) : eta[i];
        }
        var order = Enumerable.Range(0, n).OrderBy(i => frame.InputRow[i]).ToArray();
        return new Predictions(order.Select(i => frame.InputRow[i]).ToArray(), order.Select(i => values[i]).ToArray(), level, scale);
    }

    /// <summary>η = offset + Xβ̂ (+ Zb̂ when <paramref name="conditional"/>), frame order (n).</summary>
    private static double[] LinearPredictor(ModelFrame frame, FitResult fit, bool conditional)
    {
        int n = frame.RowCount;
        var eta = frame.Offset.ToArray();
        for (int j = 0; j < fit.Beta.Length; j++)
        {
            var x = frame.X.Column(j);
            for (int i = 0; i < n; i++) eta[i] += x[i] * fit.Beta[j];
        }
        if (!conditional) return eta;
        for (int t = 0; t < frame.RandomTerms.Count; t++)
        {
            var term = frame.RandomTerms[t];
            var modes = fit.RandomEffects[t].Modes;
            int q = term.ColumnCount;
            var z = term.Z;
            var level = term.LevelOfRow;
            for (int c = 0; c < q; c++)
                for (int i = 0; i < n; i++) eta[i] += z[c * n + i] * modes[level[i] * q + c];
        }
        return eta;
    }

    /// <summary>s_i = √(Σ_t z_{i,t}'Σ_t z_{i,t}), the SD of row i's random part Zb under b ~ N(0, Σ̂), frame order.</summary>
    private static double[] RandomEffectSd(ModelFrame frame, FitResult fit)
    {
        int n = frame.RowCount;
        var layout = new ThetaLayout(frame.RandomTerms);
        double s2 = fit.Sigma is { } s ? s * s : 1.0;
        var v = new double[n];
        for (int t = 0; t < frame.RandomTerms.Count; t++)
        {
            var term = frame.RandomTerms[t];
            int q = term.ColumnCount;
            var cov = layout.Covariance(fit.Theta, t, s2);
            var z = term.Z;
            for (int i = 0; i < n; i++)
                for (int a = 0; a < q; a++)
                    for (int b = 0; b < q; b++) v[i] += z[a * n + i] * cov[b * q + a] * z[b * n + i];
        }
        for (int i = 0; i < n; i++) v[i] = Math.Sqrt(Math.Max(v[i], 0));
        return v;
    }
}
