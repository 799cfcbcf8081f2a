using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// The columns of <see cref="ParquetOutput"/> as an Arrow IPC file (one record batch): int32, double (NaN as null) and
/// string (null as null) arrays, with key–value pairs in the schema's metadata.
/// </summary>
internal static class ArrowOutput
{
    /// <summary>Writes <paramref name="rows"/> rows of <paramref name="columns"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, int rows, IReadOnlyList<ParquetOutput.Column> columns, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var schema = new Schema.Builder();
        var arrays = new List<IArrowArray>(columns.Count);
        foreach (var column in columns)
        {
            (IArrowType type, IArrowArray array) = column switch
            {
                ParquetOutput.Int c => ((IArrowType)Int32Type.Default, (IArrowArray)Build(new Int32Array.Builder(), rows, k => c.At(k))),
                ParquetOutput.Number c => (DoubleType.Default, Numbers(c, rows)),
                ParquetOutput.Text c => (StringType.Default, Texts(c, rows)),
                _ => throw new ArgumentException($"unknown column kind {column.GetType().Name}", nameof(columns)),
            };
            schema = schema.Field(f => f.Name(column.Name).DataType(type).Nullable(column is not ParquetOutput.Int));
            arrays.Add(array);
        }
        if (metadata is not null) foreach (var (k, v) in metadata) schema = schema.Metadata(k, v);
        var built = schema.Build();
        using var writer = new ArrowFileWriter(stream, built, leaveOpen: true);
        writer.WriteRecordBatch(new RecordBatch(built, arrays, rows));
        writer.WriteEnd();
    }

    private static Int32Array Build(Int32Array.Builder b, int rows, Func<int, int> at)
    {
        for (int k = 0; k < rows; k++) b.Append(at(k));
        return b.Build();
    }

    private static DoubleArray Numbers(ParquetOutput.Number c, int rows)
    {
        var b = new DoubleArray.Builder();
        for (int k = 0; k < rows; k++) { double v = c.At(k); if (double.IsNaN(v)) b.AppendNull(); else b.Append(v); }
        return b.Build();
    }

    private static StringArray Texts(ParquetOutput.Text c, int rows)
    {
        var b = new StringArray.Builder();
        for (int k = 0; k < rows; k++) { var v = c.At(k); if (v is null) b.AppendNull(); else b.Append(v); }
        return b.Build();
    }
}
