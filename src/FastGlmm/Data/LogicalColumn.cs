namespace FastGlmm.Data;

/// <summary>A column of logical values: 0 = FALSE, 1 = TRUE, -1 = NA.</summary>
public sealed class LogicalColumn : Column
{
    private readonly sbyte[] _values;

    /// <summary>Wraps <paramref name="values"/> (0, 1 or -1 for NA; not copied).</summary>
    public LogicalColumn(string name, sbyte[] values) : base(name)
    {
        _values = values ?? throw new ArgumentNullException(nameof(values));
        foreach (var v in values)
            if (v is < -1 or > 1) throw new ArgumentException($"Logical column '{name}' holds {v}; expected 0, 1 or -1 (NA).");
    }

    /// <summary>Builds a logical column from booleans with no NA.</summary>
    public static LogicalColumn FromBools(string name, bool[] values)
    {
        var v = new sbyte[values.Length];
        for (int i = 0; i < v.Length; i++) v[i] = values[i] ? (sbyte)1 : (sbyte)0;
        return new LogicalColumn(name, v);
    }

    /// <summary>The values: 0 = FALSE, 1 = TRUE, -1 = NA.</summary>
    public ReadOnlySpan<sbyte> Values => _values;

    /// <inheritdoc/>
    public override int Length => _values.Length;

    /// <inheritdoc/>
    public override ColumnKind Kind => ColumnKind.Logical;

    /// <inheritdoc/>
    public override bool IsMissing(int row) => _values[row] < 0;

    /// <inheritdoc/>
    public override string Format(int row) => _values[row] switch { 0 => "FALSE", 1 => "TRUE", _ => "NA" };

    /// <inheritdoc/>
    public override Column Rename(string name) => new LogicalColumn(name, _values);
}
