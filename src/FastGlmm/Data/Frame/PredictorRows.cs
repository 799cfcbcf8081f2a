namespace FastGlmm.Data.Frame;

/// <summary>Which parts of a model's predictor <see cref="ModelFrame.PredictorsFor"/> evaluates on new data.</summary>
public enum PredictorParts
{
    /// <summary>The offset and X: the random terms' columns and grouping factors need not be present.</summary>
    Fixed,
    /// <summary>The offset, X and each Z_t; the grouping factors need not be present (every level is −1).</summary>
    FixedAndRandomDesign,
    /// <summary>Everything, including each row's grouping level of every random term.</summary>
    All,
}

/// <summary>
/// A model's predictor at m rows (the model's own or new ones): the offset (m), the fixed-effects design X
/// (m × p, the model's columns) and, per random term t in the model's order, Z_t (m × q_t) and each row's level.
/// The linear predictor is η_i = offset_i + X[i, :]β + Σ_t Z_t[i, :]·b_t[level_t(i), :], a level of −1
/// contributing 0. Rows of new data with an NA in a needed column are flagged in <see cref="Missing"/>; their
/// entries of the offset, X and Z_t are placeholders (0, or the first level of a factor) and their η is NA.
/// </summary>
public sealed class PredictorRows
{
    private readonly double[] _offset;
    private readonly bool[] _missing;

    internal PredictorRows(int rows, double[] offset, FixedDesign x, IReadOnlyList<PredictorTermRows> randomTerms,
        bool[]? missing = null, IReadOnlyList<string>? missingColumns = null)
    {
        RowCount = rows; _offset = offset; X = x; RandomTerms = randomTerms;
        _missing = missing ?? new bool[rows];
        MissingColumns = missingColumns ?? [];
    }

    /// <summary>Rows m.</summary>
    public int RowCount { get; }

    /// <summary>The summed offset terms (m), zeros when the formula has none.</summary>
    public ReadOnlySpan<double> Offset => _offset;

    /// <summary>The fixed-effects design, m × p, the model's column names and order.</summary>
    public FixedDesign X { get; }

    /// <summary>Per random term of the model (its order): Z_t and levels; empty when only X was built.</summary>
    public IReadOnlyList<PredictorTermRows> RandomTerms { get; }

    /// <summary>
    /// Per row (m): true when a value the predictor needs (a fixed-effect or random-term variable, an offset) is NA
    /// there, so the row has no prediction (lme4's <c>na.action = na.pass</c>: NA). Always false for the model's own
    /// rows. An NA grouping factor does not make a row missing (see <see cref="PredictorTermRows.MissingGrouping"/>).
    /// </summary>
    public ReadOnlySpan<bool> Missing => _missing;

    /// <summary>The columns that are NA at some <see cref="Missing"/> row, in the formula's order; empty when none.</summary>
    public IReadOnlyList<string> MissingColumns { get; }
}

/// <summary>One random term at m rows: Z_t (m × q, column-major) and each row's level index.</summary>
public sealed class PredictorTermRows
{
    private readonly int[] _levelOfRow;
    private readonly double[] _z;
    private readonly bool[] _missingGrouping;

    internal PredictorTermRows(int[] levelOfRow, double[] z, int columns, bool[]? missingGrouping = null)
    {
        _levelOfRow = levelOfRow; _z = z; ColumnCount = columns; _missingGrouping = missingGrouping ?? [];
    }

    /// <summary>q, the term's columns.</summary>
    public int ColumnCount { get; }

    /// <summary>
    /// Each row's index into the model term's <see cref="RandomEffectsTerm.Levels"/>; −1 for a level the model does
    /// not have (or when the grouping levels were not evaluated): that row's random effects of this term are 0.
    /// </summary>
    public ReadOnlySpan<int> LevelOfRow => _levelOfRow;

    /// <summary>Z_t, m × q column-major: element (i, c) at c·m + i.</summary>
    public ReadOnlySpan<double> Z => _z;

    /// <summary>
    /// Per row (m), when the grouping levels were evaluated on new data: true where a grouping factor of the term is NA.
    /// Such a row's level is −1, so its random effects are 0, as lme4's <c>predict(…, allow.new.levels = TRUE)</c>
    /// treats an NA grouping value (a level the model was not fitted with). Empty when the levels were not evaluated.
    /// </summary>
    public ReadOnlySpan<bool> MissingGrouping => _missingGrouping;
}
