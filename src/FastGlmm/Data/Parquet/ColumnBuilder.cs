using Parquet;
using Parquet.Schema;

namespace FastGlmm.Data.Parquet;

/// <summary>One column of a Parquet file filled row group by row group (<see cref="ParquetTableReader"/>).</summary>
internal abstract class ColumnBuilder(DataField field)
{
    protected DataField Field { get; } = field;

    /// <summary>Reads <paramref name="rows"/> values of this column from <paramref name="rg"/> into rows at … at + rows − 1.</summary>
    public abstract Task ReadAsync(ParquetRowGroupReader rg, int at, int rows);

    /// <summary>The finished column.</summary>
    public abstract Column Finish();

    public static ColumnBuilder For(ParquetTableReader.ValueKind kind, DataField f, int n) => kind switch
    {
        ParquetTableReader.ValueKind.Double => new Numeric<double>(f, n, v => v),
        ParquetTableReader.ValueKind.Float => new Numeric<float>(f, n, v => v),
        ParquetTableReader.ValueKind.Int64 => new Numeric<long>(f, n, v => v),
        ParquetTableReader.ValueKind.Int32 => new Numeric<int>(f, n, v => v),
        ParquetTableReader.ValueKind.Int16 => new Numeric<short>(f, n, v => v),
        ParquetTableReader.ValueKind.SByte => new Numeric<sbyte>(f, n, v => v),
        ParquetTableReader.ValueKind.UInt32 => new Numeric<uint>(f, n, v => v),
        ParquetTableReader.ValueKind.UInt16 => new Numeric<ushort>(f, n, v => v),
        ParquetTableReader.ValueKind.Byte => new Numeric<byte>(f, n, v => v),
        ParquetTableReader.ValueKind.Boolean => new Logical(f, n),
        _ => new Text(f, n),
    };

    /// <summary>A numeric column: every integer and floating-point type becomes fp64; null is NaN (NA).</summary>
    private sealed class Numeric<T>(DataField f, int n, Func<T, double> widen) : ColumnBuilder(f) where T : struct
    {
        private readonly double[] _values = new double[n];

        public override async Task ReadAsync(ParquetRowGroupReader rg, int at, int rows)
        {
            var dst = _values.AsMemory(at, rows);
            if (typeof(T) == typeof(double) && !Field.IsNullable)
            {
                await rg.ReadAsync(Field, (Memory<double>)(object)dst);
                return;
            }
            if (!Field.IsNullable)
            {
                var buf = new T[rows];
                await rg.ReadAsync(Field, buf.AsMemory());
                var span = dst.Span;
                for (int i = 0; i < rows; i++) span[i] = widen(buf[i]);
                return;
            }
            var nb = new T?[rows];
            await rg.ReadAsync(Field, nb.AsMemory());
            var s = dst.Span;
            for (int i = 0; i < rows; i++) s[i] = nb[i] is { } v ? widen(v) : double.NaN;
        }

        public override Column Finish() => new NumericColumn(Field.Name, _values);
    }

    /// <summary>A logical column: TRUE 1, FALSE 0, null −1 (NA).</summary>
    private sealed class Logical(DataField f, int n) : ColumnBuilder(f)
    {
        private readonly sbyte[] _values = new sbyte[n];

        public override async Task ReadAsync(ParquetRowGroupReader rg, int at, int rows)
        {
            var nb = new bool?[rows];
            if (Field.IsNullable) await rg.ReadAsync(Field, nb.AsMemory());
            else
            {
                var b = new bool[rows];
                await rg.ReadAsync(Field, b.AsMemory());
                for (int i = 0; i < rows; i++) nb[i] = b[i];
            }
            for (int i = 0; i < rows; i++) _values[at + i] = nb[i] switch { true => 1, false => 0, null => -1 };
        }

        public override Column Finish() => new LogicalColumn(Field.Name, _values);
    }

    /// <summary>
    /// A string column → a factor: codes by first appearance while reading, then the levels put in the CSV reader's
    /// order and the codes renumbered once. null is NA. Values are read as slices of the decoded text (no string per
    /// row) and looked up by content; a run of equal values (sorted data) costs one comparison a row.
    /// </summary>
    private sealed class Text(DataField f, int n) : ColumnBuilder(f)
    {
        private readonly int[] _codes = new int[n];
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        private readonly List<string> _labels = [];

        public override async Task ReadAsync(ParquetRowGroupReader rg, int at, int rows)
        {
            var values = new ReadOnlyMemory<char>[rows];
            int[]? defined = Field.IsNullable ? new int[rows] : null;
            await rg.ReadRawAsync(Field, values.AsMemory(), defined?.AsMemory(), null);
            Assign(values, defined, at, rows);
        }

        private void Assign(ReadOnlyMemory<char>[] values, int[]? defined, int at, int rows)
        {
            var lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
            ReadOnlySpan<char> prev = default;
            int prevCode = -1;
            for (int i = 0, v = 0; i < rows; i++)
            {
                if (defined is not null && defined[i] == 0) { _codes[at + i] = -1; continue; }
                var s = values[v++].Span;
                if (prevCode < 0 || !s.SequenceEqual(prev))
                {
                    if (!lookup.TryGetValue(s, out prevCode))
                    {
                        prevCode = _labels.Count;
                        string label = s.ToString();
                        _index.Add(label, prevCode);
                        _labels.Add(label);
                    }
                    prev = s;
                }
                _codes[at + i] = prevCode;
            }
        }

        public override Column Finish()
        {
            var levels = FactorColumn.DefaultLevelOrder(_labels);
            var rank = new int[levels.Length];
            for (int r = 0; r < levels.Length; r++) rank[_index[levels[r]]] = r;
            for (int i = 0; i < _codes.Length; i++) if (_codes[i] >= 0) _codes[i] = rank[_codes[i]];
            return new FactorColumn(Field.Name, _codes, levels);
        }
    }
}
