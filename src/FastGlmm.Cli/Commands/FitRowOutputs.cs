using System.Globalization;
using FastGlmm.Model;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// The per-row and per-level outputs of a fit, streamed to CSV or Parquet files (complete or absent, see
/// <see cref="OutputFile"/>) instead of the JSON: <c>--fitted</c> (lme4's fitted() and residuals()) and
/// <c>--ranef</c> (lme4's <c>as.data.frame(ranef(fit, condVar = TRUE))</c>); a name ending in <c>.parquet</c> gets
/// Parquet with the CSV's columns (<see cref="ParquetOutput"/>).
/// </summary>
internal static class FitRowOutputs
{
    /// <summary>
    /// <c>row,fitted,residual_response,residual_pearson,residual_deviance</c>: the 1-based data row, μ̂, y − μ̂,
    /// the Pearson residual (scaled by σ̂ for LMMs) and the deviance residual, one line per fitted row.
    /// </summary>
    public static void WriteFitted(TextWriter o, FitResult fit)
    {
        o.WriteLine("row,fitted,residual_response,residual_pearson,residual_deviance");
        var ic = CultureInfo.InvariantCulture;
        for (int i = 0; i < fit.Fitted.Length; i++)
            o.WriteLine(string.Create(ic, $"{fit.InputRows[i] + 1},{fit.Fitted[i]:R},{fit.ResidualsResponse[i]:R},{fit.ResidualsPearson[i]:R},{fit.ResidualsDeviance[i]:R}"));
    }

    /// <summary>
    /// <c>grpvar,term,grp,condval,condsd</c>: for every term, column and level, the conditional mode b̂ and its
    /// conditional SD, as lme4's <c>as.data.frame(ranef(fit, condVar = TRUE))</c> lays them out (term by term,
    /// column by column, level by level). Names are quoted when they hold a comma or a quote.
    /// </summary>
    public static void WriteRanef(TextWriter o, FitResult fit)
    {
        o.WriteLine("grpvar,term,grp,condval,condsd");
        var ic = CultureInfo.InvariantCulture;
        foreach (var re in fit.RandomEffects)
        {
            int q = re.Columns.Count;
            for (int c = 0; c < q; c++)
                for (int l = 0; l < re.Levels.Count; l++)
                    o.WriteLine(string.Create(ic, $"{Quote(re.Group)},{Quote(re.Columns[c])},{Quote(re.Levels[l])},{re.Modes[l * q + c]:R},{re.ConditionalSd[l * q + c]:R}"));
        }
    }

    /// <summary>Writes <c>--fitted</c> to <paramref name="path"/>: Parquet for a <c>.parquet</c> name, else CSV.</summary>
    public static void SaveFitted(string path, FitResult fit) => ParquetOutput.Save(path, fit.Fitted.Length, () =>
        [
            new ParquetOutput.Int("row", i => fit.InputRows[i] + 1),
            new ParquetOutput.Number("fitted", i => fit.Fitted[i]),
            new ParquetOutput.Number("residual_response", i => fit.ResidualsResponse[i]),
            new ParquetOutput.Number("residual_pearson", i => fit.ResidualsPearson[i]),
            new ParquetOutput.Number("residual_deviance", i => fit.ResidualsDeviance[i]),
        ], w => WriteFitted(w, fit));

    /// <summary>Writes <c>--ranef</c> to <paramref name="path"/>: Parquet for a <c>.parquet</c> name, else CSV.</summary>
    public static void SaveRanef(string path, FitResult fit)
    {
        // (term, its entry l·q + c in Modes and ConditionalSd, column, level) of each output row, in the CSV's order.
        var res = fit.RandomEffects;
        var at = new List<(int Term, int Entry, int Column, int Level)>();
        for (int t = 0; t < res.Count; t++)
            for (int c = 0; c < res[t].Columns.Count; c++)
                for (int l = 0; l < res[t].Levels.Count; l++) at.Add((t, l * res[t].Columns.Count + c, c, l));
        ParquetOutput.Save(path, at.Count, () =>
        [
            new ParquetOutput.Text("grpvar", k => res[at[k].Term].Group),
            new ParquetOutput.Text("term", k => res[at[k].Term].Columns[at[k].Column]),
            new ParquetOutput.Text("grp", k => res[at[k].Term].Levels[at[k].Level]),
            new ParquetOutput.Number("condval", k => res[at[k].Term].Modes[at[k].Entry]),
            new ParquetOutput.Number("condsd", k => res[at[k].Term].ConditionalSd[at[k].Entry]),
        ], w => WriteRanef(w, fit));
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
