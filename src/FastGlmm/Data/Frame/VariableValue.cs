namespace FastGlmm.Data.Frame;

/// <summary>
/// The value of a formula variable over all rows of the input table: numeric (NaN = NA),
/// logical (0/1, -1 = NA) or a factor (codes into <see cref="Levels"/>, -1 = NA).
/// </summary>
internal sealed class VariableValue
{
    private VariableValue(ColumnKind kind, double[]? numeric, sbyte[]? logical, int[]? codes, string[]? levels)
    {
        Kind = kind; Numeric = numeric; Logical = logical; Codes = codes; Levels = levels;
    }

    public ColumnKind Kind { get; }
    public double[]? Numeric { get; }
    public sbyte[]? Logical { get; }
    public int[]? Codes { get; }
    public string[]? Levels { get; }

    /// <summary>True when the value is categorical in a model matrix (factors and logicals, as in R).</summary>
    public bool IsCategorical => Kind != ColumnKind.Numeric;

    public int Length => Numeric?.Length ?? Logical?.Length ?? Codes!.Length;

    public static VariableValue FromNumeric(double[] v) => new(ColumnKind.Numeric, v, null, null, null);
    public static VariableValue FromLogical(sbyte[] v) => new(ColumnKind.Logical, null, v, null, null);
    public static VariableValue FromFactor(int[] codes, string[] levels) => new(ColumnKind.Factor, null, null, codes, levels);

    public bool IsMissing(int row) => Kind switch
    {
        ColumnKind.Numeric => double.IsNaN(Numeric![row]),
        ColumnKind.Logical => Logical![row] < 0,
        _ => Codes![row] < 0,
    };

    /// <summary>Numeric view: logicals become 0/1 (R's coercion); factors are not numeric.</summary>
    public double[]? AsNumeric()
    {
        if (Numeric is not null) return Numeric;
        if (Logical is null) return null;
        var r = new double[Logical.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Logical[i] < 0 ? double.NaN : Logical[i];
        return r;
    }

    /// <summary>Categorical view: codes and levels (logicals get levels FALSE, TRUE).</summary>
    public (int[] Codes, string[] Levels) AsFactor()
    {
        if (Codes is not null) return (Codes, Levels!);
        if (Logical is not null)
        {
            var c = new int[Logical.Length];
            for (int i = 0; i < c.Length; i++) c[i] = Logical[i];
            return (c, ["FALSE", "TRUE"]);
        }
        var f = FactorColumn.From(new NumericColumn("x", Numeric!));
        return (f.Codes.ToArray(), f.Levels.ToArray());
    }
}
