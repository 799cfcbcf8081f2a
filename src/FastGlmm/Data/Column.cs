namespace FastGlmm.Data;

/// <summary>The storage type of a <see cref="Column"/>.</summary>
public enum ColumnKind
{
    /// <summary>fp64 values; NA is stored as <see cref="double.NaN"/>.</summary>
    Numeric,
    /// <summary>TRUE/FALSE values; NA is stored as -1.</summary>
    Logical,
    /// <summary>Categorical codes into an ordered level set (R's <c>factor</c>); NA is code -1.</summary>
    Factor,
}

/// <summary>
/// One named column of a <see cref="DataTable"/>, of length <see cref="Length"/>.
/// Columns are immutable once built.
/// </summary>
public abstract class Column
{
    /// <summary>Creates a column with the given name.</summary>
    protected Column(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The column name, as in the CSV header or as given by the caller.</summary>
    public string Name { get; }

    /// <summary>Number of rows.</summary>
    public abstract int Length { get; }

    /// <summary>The storage type.</summary>
    public abstract ColumnKind Kind { get; }

    /// <summary>True when row <paramref name="row"/> (0-based) is missing (NA).</summary>
    public abstract bool IsMissing(int row);

    /// <summary>Number of missing values.</summary>
    public int MissingCount()
    {
        int n = 0;
        for (int i = 0; i < Length; i++) if (IsMissing(i)) n++;
        return n;
    }

    /// <summary>A human-readable rendering of row <paramref name="row"/>, "NA" when missing.</summary>
    public abstract string Format(int row);

    /// <summary>Returns a copy of this column under another name.</summary>
    public abstract Column Rename(string name);
}
