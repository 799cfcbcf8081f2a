using System.Globalization;

namespace FastGlmm.Data;

/// <summary>A column of fp64 values; NA is <see cref="double.NaN"/> (R's NA and NaN both map to it).</summary>
public sealed class NumericColumn : Column
{
    private readonly double[] _values;

    /// <summary>Wraps <paramref name="values"/> (not copied; the caller must not mutate it afterwards).</summary>
    public NumericColumn(string name, double[] values) : base(name)
    {
        _values = values ?? throw new ArgumentNullException(nameof(values));
    }

    /// <summary>The values, length <see cref="Length"/>; NaN marks NA.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The values array itself, for readers that share it (never written).</summary>
    internal double[] ValuesArray => _values;

    /// <inheritdoc/>
    public override int Length => _values.Length;

    /// <inheritdoc/>
    public override ColumnKind Kind => ColumnKind.Numeric;

    /// <inheritdoc/>
    public override bool IsMissing(int row) => double.IsNaN(_values[row]);

    /// <inheritdoc/>
    public override string Format(int row) => IsMissing(row) ? "NA" : FormatLabel(_values[row]);

    /// <inheritdoc/>
    public override Column Rename(string name) => new NumericColumn(name, _values);

    /// <summary>
    /// The factor label R gives a number, e.g. 1 → "1", 1.5 → "1.5" (shortest round-trip form).
    /// </summary>
    public static string FormatLabel(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);
}
