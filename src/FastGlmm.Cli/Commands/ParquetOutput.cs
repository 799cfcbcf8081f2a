using Parquet;
using Parquet.Schema;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// Per-row outputs (<c>fit --fitted</c>, <c>fit --ranef</c>, <c>predict</c>, <c>simulate</c>) as Parquet when the file
/// name ends in <c>.parquet</c>, CSV otherwise. The columns are the CSV's, with the CSV's names: integers as int32,
/// numbers as double (NA as null, which R's <c>arrow</c> reads as NA), labels as strings. Rows go out in row groups of
/// 2²⁰, each filled from the caller's accessors, so memory holds one row group at a time.
/// </summary>
internal static class ParquetOutput
{
    private const int RowGroup = 1 << 20;

    /// <summary>One output column: a name and the value of output row k.</summary>
    public abstract record Column(string Name);

    /// <summary>An int32 column.</summary>
    public sealed record Int(string Name, Func<int, int> At) : Column(Name);

    /// <summary>A double column; NaN is written as null (NA).</summary>
    public sealed record Number(string Name, Func<int, double> At) : Column(Name);

    /// <summary>A string column.</summary>
    public sealed record Text(string Name, Func<int, string> At) : Column(Name);

    /// <summary>Whether <paramref name="path"/> names a Parquet file (by its extension).</summary>
    public static bool Applies(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Writes <paramref name="path"/> whole or not at all (<see cref="OutputFile"/>): as Parquet, <paramref name="rows"/>
    /// rows of <paramref name="columns"/>, for a <c>.parquet</c> name; else as the CSV <paramref name="csv"/> writes.
    /// </summary>
    public static void Save(string path, int rows, Func<IReadOnlyList<Column>> columns, Action<TextWriter> csv)
    {
        if (Applies(path)) OutputFile.WriteBytes(path, s => Write(s, rows, columns()));
        else OutputFile.Write(path, csv);
    }

    /// <summary>Writes <paramref name="rows"/> rows of <paramref name="columns"/> to <paramref name="stream"/>.</summary>
    /// <param name="stream">The output.</param>
    /// <param name="rows">Rows to write.</param>
    /// <param name="columns">The columns, in order.</param>
    /// <param name="metadata">Key–value pairs for the file's metadata (Parquet's key_value_metadata), or null.</param>
    public static void Write(Stream stream, int rows, IReadOnlyList<Column> columns, IReadOnlyDictionary<string, string>? metadata = null) =>
        WriteAsync(stream, rows, columns, metadata).GetAwaiter().GetResult();

    private static async Task WriteAsync(Stream stream, int rows, IReadOnlyList<Column> columns, IReadOnlyDictionary<string, string>? metadata)
    {
        var fields = columns.Select(c => c switch
        {
            Int => (DataField)new DataField<int>(c.Name),
            Number => new DataField<double?>(c.Name),
            _ => new DataField<string>(c.Name),
        }).ToArray();
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, new ParquetOptions(), append: false);
        if (metadata is not null) writer.CustomMetadata = metadata;
        int size = Math.Min(RowGroup, Math.Max(rows, 1));
        var ints = new int[size];
        var numbers = new double?[size];
        var texts = new string[size];
        // An empty table still gets its schema and one empty row group, so that readers see the columns.
        for (int lo = 0; lo < Math.Max(rows, 1); lo += RowGroup)
        {
            int count = Math.Min(RowGroup, rows - lo);
            using var rg = writer.CreateRowGroup();
            for (int c = 0; c < columns.Count; c++)
            {
                switch (columns[c])
                {
                    case Int col:
                        for (int k = 0; k < count; k++) ints[k] = col.At(lo + k);
                        await rg.WriteAsync<int>((DataField<int>)fields[c], ints.AsMemory(0, count));
                        break;
                    case Number col:
                        for (int k = 0; k < count; k++) { double v = col.At(lo + k); numbers[k] = double.IsNaN(v) ? null : v; }
                        await rg.WriteAsync<double>((DataField<double?>)fields[c], numbers.AsMemory(0, count));
                        break;
                    case Text col:
                        for (int k = 0; k < count; k++) texts[k] = col.At(lo + k);
                        await rg.WriteAsync((DataField<string>)fields[c], count == texts.Length ? texts : texts[..count]);
                        break;
                }
            }
        }
    }
}
