using FastGlmm.Data;
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

/// <summary>Predictions for the rows a model was fitted to, or for the rows of a new table.</summary>
/// <param name="InputRows">0-based data rows, ascending: for the fitted rows, as <see cref="FitResult.InputRows"/>; for new
/// data, every row of the new table (0 … m−1).</param>
/// <param name="Values">One prediction per row; NaN (NA) for a row of new data with an NA in a column the prediction needs.</param>
/// <param name="Level">The random effects used.</param>
/// <param name="Scale">Link or response scale.</param>
public sealed record Predictions(int[] InputRows, double[] Values, PredictionLevel Level, PredictionScale Scale)
{
    /// <summary>
    /// Notes for the user, one line each, for new data: how many rows have an NA in a needed column, naming the
    /// columns (their predictions are NA); for conditional predictions, per random term, how many rows hold a
    /// grouping level the model was not fitted with or an NA grouping value (their random effects are 0). Empty otherwise.
    /// </summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>
/// Population-level, conditional and population-averaged (marginal) predictions from a fitted model, as lme4's
/// <c>predict(fit, re.form = NA)</c>, <c>predict(fit)</c> and the marginal mean E[μ] that a cluster-specific logit
/// or log model implies for the population, for the fitted rows or for new data (lme4's <c>newdata =</c>).
/// At row i with offset o_i, fixed-effects row x_i and random-term rows z_{i,t}:
/// population η_i = o_i + x_i'β̂; conditional η_i = o_i + x_i'β̂ + Σ_t z_{i,t}'b̂_t[level_t(i)], where a grouping
/// level the model was not fitted with contributes b = 0 (lme4's <c>allow.new.levels = TRUE</c>; FastGlmm's rule
/// for new levels, so such a row's conditional prediction is its population one for that term). The marginal mean
/// integrates over the random effects numerically: zᵢ'b ~ N(0, s_i²) with s_i² = Σ_t z_{i,t}'Σ_t z_{i,t}
/// (Σ_t = σ²T_tT_t', terms independent), so E[μ_i] = ∫ g⁻¹(η_i + s_i x) φ(x) dx, taken by a K-node Gauss–Hermite
/// rule (K = 64: for the logit with s ≤ 5 the rule's error is below 1e-10); it does not use the grouping levels.
/// On the link scale the marginal prediction is g(E[μ_i]).
/// </summary>
public static class Prediction
{
    /// <summary>Gauss–Hermite nodes used for marginal means.</summary>
    public const int MarginalNodes = 64;

    /// <summary>Predictions at <paramref name="level"/> on <paramref name="scale"/> for the rows of <paramref name="frame"/>,
    /// the frame <paramref name="fit"/> was fitted to, ordered by input row.</summary>
    /// <exception cref="UserInputException">The fit and the frame do not belong together.</exception>
    public static Predictions Predict(ModelFrame frame, FitResult fit, PredictionLevel level, PredictionScale scale)
    {
        CheckBelongs(frame, fit);
        var values = Evaluate(frame, fit, frame.Predictors(), level, scale, fit.ZeroInflation?.ZeroProbabilities());
        var order = Enumerable.Range(0, frame.RowCount).OrderBy(i => frame.InputRow[i]).ToArray();
        return new Predictions(order.Select(i => frame.InputRow[i]).ToArray(), order.Select(i => values[i]).ToArray(), level, scale);
    }

    /// <summary>
    /// Predictions at <paramref name="level"/> on <paramref name="scale"/> for every row of <paramref name="newData"/>
    /// (m rows, in order) from <paramref name="fit"/>, the fit of <paramref name="frame"/> (lme4's
    /// <c>predict(fit, newdata, re.form, allow.new.levels = TRUE, type)</c>). The design is rebuilt by
    /// <see cref="ModelFrame.PredictorsFor"/>: factors coded by the levels and contrasts the model was fitted with, offsets
    /// included, the response and weights not read. Population predictions read only the fixed effects' and offsets'
    /// columns; marginal ones also the random terms' columns; conditional ones also the grouping factors, and a grouping
    /// level the model was not fitted with gets random effects 0 (counted in <see cref="Predictions.Notes"/>). Missing
    /// values follow lme4's <c>na.action = na.pass</c>: a row with an NA in a needed variable or offset gets the
    /// prediction NaN (NA); an NA grouping value counts as a level the model was not fitted with (random effects 0), as
    /// lme4 1.1-31 treats it under <c>allow.new.levels = TRUE</c>. Both are counted in <see cref="Predictions.Notes"/>.
    /// </summary>
    /// <exception cref="UserInputException">The fit and the frame do not belong together; a needed column is missing; a
    /// factor holds a level the model was not fitted with (naming the column and the level).</exception>
    public static Predictions Predict(ModelFrame frame, FitResult fit, DataTable newData, PredictionLevel level, PredictionScale scale)
    {
        CheckBelongs(frame, fit);
        var parts = level switch
        {
            PredictionLevel.Population => PredictorParts.Fixed,
            PredictionLevel.Marginal => PredictorParts.FixedAndRandomDesign,
            _ => PredictorParts.All,
        };
        var rows = frame.PredictorsFor(newData, parts);
        var values = Evaluate(frame, fit, rows, level, scale, fit.ZeroInflation?.ZeroProbabilities(newData));
        var missing = rows.Missing;
        for (int i = 0; i < values.Length; i++) if (missing[i]) values[i] = double.NaN;
        var notes = MissingNotes(rows, newData.Source).Concat(level == PredictionLevel.Conditional ? NewLevelNotes(frame, rows, newData.Source) : []).ToArray();
        return new Predictions(Enumerable.Range(0, rows.RowCount).ToArray(), values, level, scale) { Notes = notes };
    }

    private static void CheckBelongs(ModelFrame frame, FitResult fit)
    {
        int n = frame.RowCount, p = frame.X.Columns;
        bool levels = fit.RandomEffects.Count == frame.RandomTerms.Count
            && fit.RandomEffects.Zip(frame.RandomTerms).All(z => z.First.Levels.Count == z.Second.LevelCount && z.First.Columns.Count == z.Second.ColumnCount);
        if (fit.Nobs != n || fit.Beta.Length != p || !levels)
            throw new UserInputException($"the fit ({fit.Nobs} rows, {fit.Beta.Length} coefficients) does not belong to this model frame ({n} rows, {p} columns)");
    }

    /// <summary>
    /// The predictions at the rows of <paramref name="rows"/>, in its order (m). With a zero model (π per row), the
    /// response scale gives glmmTMB's mean: (1 − π)μ with zero inflation, (1 − π)μ/(1 − p(0 | μ)) for a hurdle (π = 0 for
    /// a zero-truncated model); the link scale stays the count model's η (glmmTMB's "link").
    /// </summary>
    private static double[] Evaluate(ModelFrame frame, FitResult fit, PredictorRows rows, PredictionLevel level, PredictionScale scale,
        double[]? zeroProbability = null)
    {
        int m = rows.RowCount;
        var family = Family.For(frame.Family, fit.Dispersion, fit.Power);
        bool truncated = frame.Family.IsTruncated;
        if (truncated) zeroProbability ??= new double[m];
        // The response-scale mean of one row at μ: the count model's, times the zero model's share.
        double Mean(double mu, int i) => zeroProbability is null ? mu
            : truncated ? (1 - zeroProbability[i]) * mu / -StableMath.Expm1(family.LogDensity(0, mu, 1))
            : (1 - zeroProbability[i]) * mu;
        var eta = LinearPredictor(rows, fit, level == PredictionLevel.Conditional);
        var values = new double[m];
        if (level == PredictionLevel.Marginal)
        {
            var sd = RandomEffectSd(frame, rows, fit);
            var rule = GaussHermiteRule.Get(MarginalNodes);
            for (int i = 0; i < m; i++)
            {
                double mu = 0;
                if (scale == PredictionScale.Response)
                {
                    for (int k = 0; k < rule.Count; k++) mu += rule.Weights[k] * Mean(family.LinkInverse(eta[i] + sd[i] * rule.Nodes[k]), i);
                    values[i] = mu;
                    continue;
                }
                for (int k = 0; k < rule.Count; k++) mu += rule.Weights[k] * family.LinkInverse(eta[i] + sd[i] * rule.Nodes[k]);
                values[i] = family.Link(mu);
            }
        }
        else
        {
            for (int i = 0; i < m; i++) values[i] = scale == PredictionScale.Response ? Mean(family.LinkInverse(eta[i]), i) : eta[i];
        }
        return values;
    }

    /// <summary>η = offset + Xβ̂ (+ Zb̂ when <paramref name="conditional"/>, a level of −1 adding nothing), row order (m).</summary>
    private static double[] LinearPredictor(PredictorRows rows, FitResult fit, bool conditional)
    {
        int m = rows.RowCount;
        var eta = rows.Offset.ToArray();
        for (int j = 0; j < fit.Beta.Length; j++)
        {
            var x = rows.X.Column(j);
            for (int i = 0; i < m; i++) eta[i] += x[i] * fit.Beta[j];
        }
        if (!conditional) return eta;
        for (int t = 0; t < rows.RandomTerms.Count; t++)
        {
            var term = rows.RandomTerms[t];
            var modes = fit.RandomEffects[t].Modes;
            int q = term.ColumnCount;
            var z = term.Z;
            var level = term.LevelOfRow;
            for (int c = 0; c < q; c++)
                for (int i = 0; i < m; i++)
                    if (level[i] >= 0) eta[i] += z[c * m + i] * modes[level[i] * q + c];
        }
        return eta;
    }

    /// <summary>s_i = √(Σ_t z_{i,t}'Σ_t z_{i,t}), the SD of row i's random part Zb under b ~ N(0, Σ̂), row order (m).</summary>
    private static double[] RandomEffectSd(ModelFrame frame, PredictorRows rows, FitResult fit)
    {
        int m = rows.RowCount;
        var layout = new ThetaLayout(frame.RandomTerms);
        // b = Λu with u ~ N(0, σ²I) where the model has a scale: an LMM's σ, and a Gamma GLMM's, whose penalized
        // objective Σd_i + ‖u‖² (lme4's) is that of u ~ N(0, φI), φ = σ²; N(0, I) otherwise.
        double s2 = fit.Sigma is { } s ? s * s : 1.0;
        var v = new double[m];
        for (int t = 0; t < rows.RandomTerms.Count; t++)
        {
            int q = rows.RandomTerms[t].ColumnCount;
            var cov = layout.Covariance(fit.Theta, t, s2);
            var z = rows.RandomTerms[t].Z;
            for (int i = 0; i < m; i++)
                for (int a = 0; a < q; a++)
                    for (int b = 0; b < q; b++) v[i] += z[a * m + i] * cov[b * q + a] * z[b * m + i];
        }
        for (int i = 0; i < m; i++) v[i] = Math.Sqrt(Math.Max(v[i], 0));
        return v;
    }

    /// <summary>One line counting the rows with an NA in a needed column, naming the columns; none when there are none.</summary>
    private static string[] MissingNotes(PredictorRows rows, string source)
    {
        int count = 0;
        foreach (bool b in rows.Missing) if (b) count++;
        if (count == 0) return [];
        string columns = string.Join(", ", rows.MissingColumns.Select(c => $"'{c}'"));
        return [$"{count} of {rows.RowCount} rows of {source} {(count == 1 ? "has" : "have")} NA in {(rows.MissingColumns.Count == 1 ? "the column" : "the columns")} " +
            $"{columns}; {(count == 1 ? "its prediction is" : "their predictions are")} NA (lme4's na.action = na.pass)"];
    }

    /// <summary>
    /// One line per random term that has rows (with a prediction) at levels the model was not fitted with or with an
    /// NA grouping value, counting them.
    /// </summary>
    private static string[] NewLevelNotes(ModelFrame frame, PredictorRows rows, string source)
    {
        var notes = new List<string>();
        var missing = rows.Missing;
        for (int t = 0; t < rows.RandomTerms.Count; t++)
        {
            var level = rows.RandomTerms[t].LevelOfRow;
            var na = rows.RandomTerms[t].MissingGrouping;
            int count = 0, naCount = 0;
            for (int i = 0; i < level.Length; i++)
            {
                if (level[i] >= 0 || missing[i]) continue;
                count++;
                if (na.Length > 0 && na[i]) naCount++;
            }
            if (count == 0) continue;
            var term = frame.RandomTerms[t];
            string what = naCount == 0 ? "a level the model was not fitted with"
                : naCount == count ? "an NA grouping value"
                : $"a level the model was not fitted with ({naCount} of them NA)";
            notes.Add($"{term.Group}: {count} of {rows.RowCount} rows of {source} {(count == 1 ? "has" : "have")} {what}; " +
                $"their {term} effects are 0 (lme4's allow.new.levels = TRUE)");
        }
        return notes.ToArray();
    }
}
