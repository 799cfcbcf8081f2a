using System.Globalization;

namespace FastGlmm.Data;

/// <summary>
/// A categorical column, R's <c>factor</c>: integer codes 0..K-1 into an ordered level set of
/// size K, with -1 for NA. Level 0 is the reference level under treatment contrasts.
/// </summary>
public sealed class FactorColumn : Column
{
    private readonly int[] _codes;
    private readonly string[] _levels;

    /// <summary>
    /// Wraps codes (0-based, -1 = NA; not copied) and levels (distinct labels, in order).
    /// </summary>
    public FactorColumn(string name, int[] codes, string[] levels) : this(name, codes, levels, false) { }

    /// <summary>
    /// As the other constructor; <paramref name="declaredLevels"/> records that the level set was given
    /// by the user (R's <c>factor(x, levels = …)</c>) rather than inferred from text.
    /// </summary>
    public FactorColumn(string name, int[] codes, string[] levels, bool declaredLevels) : base(name)
    {
        DeclaredLevels = declaredLevels;
        _codes = codes ?? throw new ArgumentNullException(nameof(codes));
        _levels = levels ?? throw new ArgumentNullException(nameof(levels));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var l in levels)
            if (!seen.Add(l)) throw new UserInputException($"column '{name}': level '{UserText.Clip(l)}' is listed twice");
        foreach (var c in codes)
            if (c < -1 || c >= levels.Length) throw new ArgumentException($"Factor '{name}' has code {c} outside [-1, {levels.Length}).");
    }

    /// <summary>True when the levels were declared by the user rather than inferred from the data's text.</summary>
    public bool DeclaredLevels { get; }

    /// <summary>The codes, 0..K-1, -1 for NA.</summary>
    public ReadOnlySpan<int> Codes => _codes;

    /// <summary>The codes array itself, for readers that share it (never written).</summary>
    internal int[] CodesArray => _codes;

    /// <summary>The level labels in order; index 0 is the reference level.</summary>
    public IReadOnlyList<string> Levels => _levels;

    /// <summary>Number of levels K (including levels that do not occur).</summary>
    public int LevelCount => _levels.Length;

    /// <inheritdoc/>
    public override int Length => _codes.Length;

    /// <inheritdoc/>
    public override ColumnKind Kind => ColumnKind.Factor;

    /// <inheritdoc/>
    public override bool IsMissing(int row) => _codes[row] < 0;

    /// <inheritdoc/>
    public override string Format(int row) => _codes[row] < 0 ? "NA" : _levels[_codes[row]];

    /// <inheritdoc/>
    public override Column Rename(string name) => new FactorColumn(name, _codes, _levels, DeclaredLevels);

    /// <summary>
    /// Builds a factor from text labels (null = NA). With <paramref name="levels"/> the level order is
    /// that list (R's <c>factor(x, levels = …)</c>) and a label outside it is an error naming the row;
    /// without it the order is <see cref="DefaultLevelOrder"/>.
    /// </summary>
    public static FactorColumn FromLabels(string name, IReadOnlyList<string?> labels, IReadOnlyList<string>? levels = null)
    {
        string[] lv = levels is null
            ? DefaultLevelOrder(labels.Where(l => l is not null).Select(l => l!).Distinct(StringComparer.Ordinal))
            : levels.ToArray();
        var index = new Dictionary<string, int>(lv.Length, StringComparer.Ordinal);
        for (int k = 0; k < lv.Length; k++)
            if (!index.TryAdd(lv[k], k)) throw new UserInputException($"column '{name}': level '{UserText.Clip(lv[k])}' is listed twice");
        var codes = new int[labels.Count];
        for (int i = 0; i < codes.Length; i++)
        {
            var l = labels[i];
            if (l is null) { codes[i] = -1; continue; }
            if (!index.TryGetValue(l, out codes[i]))
                throw new UserInputException(
                    $"column '{name}', row {i + 1}: value '{UserText.Clip(l)}' is not among the given levels ({Preview(lv)})");
        }
        return new FactorColumn(name, codes, lv, levels is not null);
    }

    /// <summary>
    /// Converts any column to a factor. Numbers become labels by <see cref="NumericColumn.FormatLabel"/>
    /// (1 → "1"), logicals become "FALSE"/"TRUE"; an existing factor is re-levelled when
    /// <paramref name="levels"/> is given.
    /// </summary>
    public static FactorColumn From(Column column, IReadOnlyList<string>? levels = null)
    {
        if (column is FactorColumn f && levels is null) return f;
        var labels = new string?[column.Length];
        for (int i = 0; i < labels.Length; i++) labels[i] = column.IsMissing(i) ? null : column.Format(i);
        if (levels is null && column is LogicalColumn) levels = ["FALSE", "TRUE"];
        return FromLabels(column.Name, labels, levels);
    }

    /// <summary>
    /// FastGlmm's default level order: numeric order when every label parses as a number
    /// (so "2" precedes "10"), otherwise ordinal (byte-wise) string order. R sorts with the
    /// locale's collation; the two agree for ASCII labels of one case.
    /// </summary>
    public static string[] DefaultLevelOrder(IEnumerable<string> distinctLabels)
    {
        var arr = distinctLabels.ToArray();
        var nums = new double[arr.Length];
        bool allNumeric = true;
        for (int i = 0; i < arr.Length && allNumeric; i++)
            allNumeric = double.TryParse(arr[i], NumberStyles.Float, CultureInfo.InvariantCulture, out nums[i]);
        if (allNumeric)
        {
            var idx = Enumerable.Range(0, arr.Length).ToArray();
            Array.Sort(idx, (a, b) => nums[a] != nums[b] ? nums[a].CompareTo(nums[b]) : string.CompareOrdinal(arr[a], arr[b]));
            return idx.Select(i => arr[i]).ToArray();
        }
        Array.Sort(arr, StringComparer.Ordinal);
        return arr;
    }

    private static string Preview(string[] lv) =>
        lv.Length <= 8 ? string.Join(", ", lv.Select(l => UserText.Clip(l)))
            : string.Join(", ", lv.Take(8).Select(l => UserText.Clip(l))) + $", … {lv.Length} in all";
}
