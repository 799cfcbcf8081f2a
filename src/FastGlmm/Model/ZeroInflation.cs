using System.Text.Json.Serialization;
using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Families;

namespace FastGlmm.Model;

/// <summary>
/// The design of a zero-inflation model (glmmTMB's ziformula, without random effects): X_zi for the frame's rows, in the
/// frame's row order (n × p column-major), and its column names.
/// </summary>
/// <param name="Formula">The one-sided formula as given, e.g. "~1" or "~ FoodTreatment".</param>
/// <param name="Names">X_zi's column names (R's).</param>
/// <param name="X">X_zi, n × p column-major, rows as the model frame's.</param>
public sealed record ZeroInflationDesign(string Formula, string[] Names, [property: JsonIgnore] double[] X)
{
    /// <summary>The zero model's own frame (its recipe of X_zi, for new data).</summary>
    [JsonIgnore]
    internal ModelFrame? ZeroFrame { get; init; }

    /// <summary>
    /// Builds X_zi from <paramref name="data"/> (the table the frame was built from) for the frame's rows: the formula's
    /// right-hand side is read as a fixed-effects model (factors, contrasts, functions as in the main formula).
    /// </summary>
    /// <exception cref="UserInputException">The formula is not one-sided, has random effects, or a variable is NA on a row the model uses.</exception>
    public static ZeroInflationDesign Build(ModelFrame frame, DataTable data, string formula)
    {
        string text = formula.Trim();
        if (!text.StartsWith('~'))
            throw new UserInputException($"--ziformula {formula}: give a one-sided formula, e.g. \"~1\" or \"~ x\"");
        if (!(frame.Family.Family == FamilyId.Poisson || frame.Family.IsGlmmTmbFamily && frame.Family.Family != FamilyId.Beta))
            throw new UserInputException($"--ziformula: zero inflation applies to count families (poisson, nbinom2, nbinom1, and the truncated ones for hurdles), not {frame.Family}");
        string response = frame.Formula.Response?.Deparse() ?? throw new UserInputException("--ziformula: the model has no response");
        var zf = ModelFrame.Build(data, response + " " + text, new ModelFrameOptions { Family = frame.Family });
        if (zf.RandomTerms.Count > 0)
            throw new UserInputException($"--ziformula {formula}: random effects in the zero-inflation model are not supported yet");
        var at = new Dictionary<int, int>(zf.RowCount);
        for (int i = 0; i < zf.RowCount; i++) at[zf.InputRow[i]] = i;
        int n = frame.RowCount, p = zf.X.Columns;
        var x = new double[(long)n * p];
        for (int i = 0; i < n; i++)
        {
            if (!at.TryGetValue(frame.InputRow[i], out int r))
                throw new UserInputException($"{data.Source}, row {frame.InputRow[i] + 1}: a variable of the zero-inflation formula {text} is NA where the model uses the row");
            for (int j = 0; j < p; j++) x[(long)j * n + i] = zf.X.Values[(int)((long)j * zf.RowCount + r)];
        }
        return new ZeroInflationDesign(text, [.. zf.X.ColumnNames], x) { ZeroFrame = zf };
    }
}

/// <summary>A fit's zero-inflation model: γ̂ (logit π = X_zi γ) with standard errors, and its design.</summary>
/// <param name="Formula">The zero-inflation formula.</param>
/// <param name="Names">Coefficient names.</param>
/// <param name="Coefficients">γ̂.</param>
/// <param name="StandardErrors">√ of the diagonal of 2H⁻¹ (H the deviance's Hessian), NaN where not computed.</param>
/// <param name="Design">The design, for simulation and refits (not serialized).</param>
public sealed record ZeroInflationEstimates(string Formula, IReadOnlyList<string> Names, double[] Coefficients, double[] StandardErrors,
    [property: JsonIgnore] ZeroInflationDesign Design)
{
    /// <summary>π_i for the rows of <paramref name="newData"/> (in order; NaN where a zero-model variable is NA).</summary>
    /// <exception cref="UserInputException">A needed column is missing or a factor level is new.</exception>
    public double[] ZeroProbabilities(DataTable newData)
    {
        var zf = Design.ZeroFrame ?? throw new InvalidOperationException("the zero-inflation design has no frame to rebuild X_zi from");
        var rows = zf.PredictorsFor(newData, PredictorParts.Fixed);
        int m = rows.RowCount, p = Names.Count;
        var pi = new double[m];
        for (int i = 0; i < m; i++)
        {
            double e = 0;
            for (int j = 0; j < p; j++) e += rows.X.Column(j)[i] * Coefficients[j];
            pi[i] = rows.Missing[i] ? double.NaN : 1 / (1 + Math.Exp(-e));
        }
        return pi;
    }

    /// <summary>π_i = logistic(x_zi,i'γ̂) for the frame's rows (frame order).</summary>
    public double[] ZeroProbabilities()
    {
        int p = Names.Count, n = Design.X.Length / Math.Max(1, p);
        var pi = new double[n];
        for (int i = 0; i < n; i++)
        {
            double e = 0;
            for (int j = 0; j < p; j++) e += Design.X[(long)j * n + i] * Coefficients[j];
            pi[i] = 1 / (1 + Math.Exp(-e));
        }
        return pi;
    }
}
