using Parquet;
using Parquet.Schema;

namespace FastGlmm.Data.Parquet;

/// <summary>
/// Reads a Parquet file (Parquet.Net, managed) into a <see cref="DataTable"/> with R's types, as <c>arrow::read_parquet</c>
/// then <c>lme4</c> see them: floating-point and integer columns → numeric (null → NA), booleans → logical, strings →
/// factors with the level order a CSV column gets (<see cref="FactorColumn.DefaultLevelOrder"/>). Columns are read row
/// group by row group straight into one array each, so the peak is the table plus one row group of one column.
/// Anything else (lists, structs, maps, decimals, dates, binary) is a one-line error naming the column and its type,
/// as is a file that is not Parquet or is truncated.
/// </summary>
public static class ParquetTableReader
{
    /// <summary>
    /// Reads <paramref name="path"/>; with <paramref name="columns"/>, only those columns (the others are never decoded;
    /// when one of them is not in the file, all columns are read, for the model frame's error to name the nearest).
    /// </summary>
    /// <exception cref="UserInputException">The file is not readable Parquet, or a needed column has an unsupported type.</exception>
    public static DataTable Read(string path, IReadOnlySet<string>? columns = null)
    {
        try
        {
            return ReadAsync(path, columns).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not UserInputException and not OutOfMemoryException
                                  && (e is IOException or InvalidDataException or NotSupportedException or FormatException
                                      or ArgumentException or InvalidOperationException or IndexOutOfRangeException
                                      or OverflowException || e.GetType().Namespace?.StartsWith("Parquet", StringComparison.Ordinal) == true))
        {
            throw new UserInputException($"{path}: not a readable Parquet file ({UserText.Clip(UserText.OneLine(e.Message), 120)})");
        }
    }

    private static async Task<DataTable> ReadAsync(string path, IReadOnlySet<string>? wanted)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        // A name the file lacks: everything is read, so that the model frame's error can suggest the nearest column.
        if (wanted is not null && wanted.Any(w => !reader.Schema.Fields.Any(f => f.Name == w))) wanted = null;
        var fields = new List<DataField>();
        foreach (var f in reader.Schema.Fields)
        {
            if (wanted is not null && !wanted.Contains(f.Name)) continue;
            if (f is not DataField d || d.IsArray)
                throw new UserInputException($"{path}: column '{UserText.Clip(f.Name)}' is a {f.SchemaType.ToString().ToLowerInvariant()}; only numbers, logicals and strings can be model variables");
            Kind(path, d); // refuses an unsupported type before anything is read
            fields.Add(d);
        }
        long total = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rg = reader.OpenRowGroupReader(g);
            total += rg.RowCount;
        }
        if (total > Array.MaxLength) throw new UserInputException($"{path}: {total} rows; at most {Array.MaxLength} can be read");
        int n = (int)total;
        var builders = fields.Select(f => ColumnBuilder.For(Kind(path, f), f, n)).ToArray();
        int at = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rg = reader.OpenRowGroupReader(g);
            int rows = checked((int)rg.RowCount);
            foreach (var b in builders) await b.ReadAsync(rg, at, rows);
            at += rows;
            // The decoder's buffers for this row group are garbage now; collected here, they are not all held at once.
            Diagnostics.ProcessMemory.Release(compact: false);
        }
        return new DataTable(builders.Select(b => b.Finish()), path);
    }

    /// <summary>How a field's values become a column.</summary>
    internal enum ValueKind { Double, Float, Int64, Int32, Int16, SByte, UInt32, UInt16, Byte, Boolean, String }

    private static ValueKind Kind(string path, DataField f)
    {
        var t = f.ClrType;
        if (t == typeof(double)) return ValueKind.Double;
        if (t == typeof(float)) return ValueKind.Float;
        if (t == typeof(long)) return ValueKind.Int64;
        if (t == typeof(int)) return ValueKind.Int32;
        if (t == typeof(short)) return ValueKind.Int16;
        if (t == typeof(sbyte)) return ValueKind.SByte;
        if (t == typeof(uint)) return ValueKind.UInt32;
        if (t == typeof(ushort)) return ValueKind.UInt16;
        if (t == typeof(byte)) return ValueKind.Byte;
        if (t == typeof(bool)) return ValueKind.Boolean;
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>)) return ValueKind.String;
        string what = t == typeof(decimal) ? "decimal" : t == typeof(byte[]) ? "binary" : t.Name;
        throw new UserInputException($"{path}: column '{UserText.Clip(f.Name)}' has Parquet type {what}, which is not supported; convert it to a number, logical or string");
    }
}
