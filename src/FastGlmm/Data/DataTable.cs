namespace FastGlmm.Data;

/// <summary>
/// An immutable table of equally long named columns (R's <c>data.frame</c>).
/// Column names are case-sensitive, as in R.
/// </summary>
public sealed class DataTable
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, int> _index;

    /// <summary>
    /// Builds a table from columns of equal length. <paramref name="source"/> names where the data
    /// came from (a file path or a data-set name) and is used in error messages.
    /// </summary>
    public DataTable(IEnumerable<Column> columns, string source = "data")
    {
        _columns = columns.ToArray();
        Source = source;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        RowCount = _columns.Length == 0 ? 0 : _columns[0].Length;
        for (int j = 0; j < _columns.Length; j++)
        {
            if (!_index.TryAdd(_columns[j].Name, j))
                throw new UserInputException($"{source}: column name '{UserText.Clip(_columns[j].Name)}' appears twice");
            if (_columns[j].Length != RowCount)
                throw new UserInputException(
                    $"{source}: column '{UserText.Clip(_columns[j].Name)}' has {_columns[j].Length} rows, but '{UserText.Clip(_columns[0].Name)}' has {RowCount}");
        }
    }

    /// <summary>Where the data came from (file path or data-set name), for messages.</summary>
    public string Source { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The columns in order.</summary>
    public IReadOnlyList<Column> Columns => _columns;

    /// <summary>The column names in order.</summary>
    public IEnumerable<string> ColumnNames => _columns.Select(c => c.Name);

    /// <summary>The column called <paramref name="name"/>; throws <see cref="UserInputException"/> if absent.</summary>
    public Column this[string name] => TryGetColumn(name, out var c)
        ? c : throw new UserInputException($"{Source}: no column '{UserText.Clip(name)}'");

    /// <summary>Looks a column up by exact name.</summary>
    public bool TryGetColumn(string name, out Column column)
    {
        if (_index.TryGetValue(name, out int j)) { column = _columns[j]; return true; }
        column = null!;
        return false;
    }

    /// <summary>Returns a table with <paramref name="column"/> replacing the column of the same name (or appended).</summary>
    public DataTable WithColumn(Column column)
    {
        var cols = _columns.ToList();
        if (_index.TryGetValue(column.Name, out int j)) cols[j] = column; else cols.Add(column);
        return new DataTable(cols, Source);
    }

    /// <summary>
    /// Applies R's <c>factor(x, levels = …)</c> to each named column: the column becomes a factor with
    /// exactly that level order (the first is the reference level). A name that is not a column
    /// is an error; a value outside the levels is an error naming its row.
    /// </summary>
    public DataTable WithLevels(IReadOnlyDictionary<string, IReadOnlyList<string>> levels)
    {
        var t = this;
        foreach (var (name, lv) in levels)
        {
            if (!TryGetColumn(name, out var c))
                throw new UserInputException($"{Source}: levels were given for column '{UserText.Clip(name)}', which the data do not have");
            try { t = t.WithColumn(FactorColumn.From(c, lv)); }
            catch (UserInputException e) { throw new UserInputException($"{Source}: {e.Message}", e); }
        }
        return t;
    }

    /// <summary>Turns each named column into a factor with the default level order (R's <c>factor(x)</c>).</summary>
    public DataTable AsFactors(IEnumerable<string> names)
    {
        var t = this;
        foreach (var name in names) t = t.WithColumn(FactorColumn.From(t[name]));
        return t;
    }
}
