using FastGlmm.Data.Frame;

namespace FastGlmm.Inference;

/// <summary>
/// Checks that two models can be compared by a likelihood-ratio test: the same data rows, the same response (values
/// and weights), and the small model nested in the large one. Fixed effects are nested when every column of the small
/// model's X lies in the column space of the large model's X (R's qr rank test with tolerance 1e-7 on [X_large,
/// X_small]); random effects when each small term's columns are among the columns of one large term with the same
/// grouping factor. Each failure is a one-line <see cref="UserInputException"/> saying what differs.
/// </summary>
public static class ModelNesting
{
    /// <summary>Throws unless <paramref name="small"/> is nested in <paramref name="large"/> on the same rows and response.</summary>
    public static void Check(ModelFrame small, ModelFrame large)
    {
        var rowsS = small.InputRow.ToArray();
        var rowsL = large.InputRow.ToArray();
        Array.Sort(rowsS);
        Array.Sort(rowsL);
        if (!rowsS.AsSpan().SequenceEqual(rowsL))
            throw new UserInputException($"the models use different data rows ({small.RowCount} and {large.RowCount}: missing values in a variable only one model uses?); compare models fitted to the same rows");
        var ys = ByInputRow(small, small.Response.Y);
        var yl = ByInputRow(large, large.Response.Y);
        var ws = ByInputRow(small, small.Response.Weights);
        var wl = ByInputRow(large, large.Response.Weights);
        if (!ys.AsSpan().SequenceEqual(yl) || !ws.AsSpan().SequenceEqual(wl))
            throw new UserInputException($"the models have different responses ({small.Response.Label} and {large.Response.Label}); a likelihood-ratio test compares models of the same response");
        CheckFixed(small, large);
        CheckRandom(small, large);
    }

    /// <summary>The frame's values put back in input-row order.</summary>
    private static double[] ByInputRow(ModelFrame frame, ReadOnlySpan<double> values)
    {
        var order = frame.InputRow.ToArray();
        var byRow = new double[values.Length];
        var idx = Enumerable.Range(0, order.Length).OrderBy(i => order[i]).ToArray();
        for (int k = 0; k < idx.Length; k++) byRow[k] = values[idx[k]];
        return byRow;
    }

    private static void CheckFixed(ModelFrame small, ModelFrame large)
    {
        int n = small.RowCount, pl = large.X.Columns, ps = small.X.Columns;
        var values = new double[(long)n * (pl + ps)];
        for (int j = 0; j < pl; j++) ByInputRow(large, large.X.Column(j)).CopyTo(values, (long)j * n);
        for (int j = 0; j < ps; j++) ByInputRow(small, small.X.Column(j)).CopyTo(values, (long)(pl + j) * n);
        var names = large.X.ColumnNames.Concat(small.X.ColumnNames).ToArray();
        var aliased = RankCheck.AliasedColumns(new DesignMatrix(values, n, names)).ToHashSet();
        for (int j = 0; j < ps; j++)
            if (!aliased.Contains(pl + j))
                throw new UserInputException($"the models are not nested: the small model's fixed effect {small.X.ColumnNames[j]} is not in the column space of the large model's ({string.Join(", ", large.X.ColumnNames)})");
    }

    private static void CheckRandom(ModelFrame small, ModelFrame large)
    {
        foreach (var t in small.RandomTerms)
        {
            bool covered = large.RandomTerms.Any(u => u.Group == t.Group && t.ColumnNames.All(c => u.ColumnNames.Contains(c)));
            if (!covered)
                throw new UserInputException($"the models are not nested: the small model's random term {t} has no counterpart in the large model (a term for {t.Group} with the columns {string.Join(", ", t.ColumnNames)})");
        }
    }
}
