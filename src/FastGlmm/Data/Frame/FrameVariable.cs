namespace FastGlmm.Data.Frame;

/// <summary>
/// A variable restricted to the rows of the model frame: numeric values, or factor codes with the
/// levels that occur in those rows (lme4 drops unused levels; logicals keep FALSE and TRUE, as R does).
/// </summary>
internal sealed class FrameVariable
{
    private FrameVariable(string label, double[]? numeric, int[]? codes, string[]? levels)
    {
        Label = label; Numeric = numeric; Codes = codes; Levels = levels;
    }

    public string Label { get; }
    public double[]? Numeric { get; }
    public int[]? Codes { get; }
    public string[]? Levels { get; }
    public bool IsCategorical => Codes is not null;

    /// <summary>A numeric variable (one value per row).</summary>
    public static FrameVariable OfNumbers(string label, double[] values) => new(label, values, null, null);

    /// <summary>A categorical variable: codes 0..K−1 into <paramref name="levels"/>, none missing.</summary>
    public static FrameVariable OfCodes(string label, int[] codes, string[] levels) => new(label, null, codes, levels);

    /// <summary>Restricts <paramref name="v"/> to <paramref name="rows"/> (indices into the input table).</summary>
    public static FrameVariable Subset(string label, VariableValue v, int[] rows)
    {
        if (!v.IsCategorical)
        {
            var src = v.Numeric!;
            var x = new double[rows.Length];
            for (int i = 0; i < rows.Length; i++) x[i] = src[rows[i]];
            return new FrameVariable(label, x, null, null);
        }
        var (codes, levels) = v.AsFactor();
        var sub = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++) sub[i] = codes[rows[i]];
        if (v.Kind == ColumnKind.Logical) return new FrameVariable(label, null, sub, levels);
        return DropUnused(label, sub, levels);
    }

    private static FrameVariable DropUnused(string label, int[] codes, string[] levels)
    {
        var used = new bool[levels.Length];
        foreach (var c in codes) used[c] = true;
        if (used.All(u => u)) return new FrameVariable(label, null, codes, levels);
        var map = new int[levels.Length];
        var kept = new List<string>();
        for (int k = 0; k < levels.Length; k++) map[k] = used[k] ? kept.Count : -1;
        for (int k = 0; k < levels.Length; k++) if (used[k]) kept.Add(levels[k]);
        for (int i = 0; i < codes.Length; i++) codes[i] = map[codes[i]];
        return new FrameVariable(label, null, codes, kept.ToArray());
    }
}
