using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace FastGlmm.Data.Arrow;

/// <summary>
/// Reads an Arrow IPC file (<c>.arrow</c>, <c>.feather</c>: R's <c>arrow::write_feather</c>; or the IPC stream format)
/// into a <see cref="DataTable"/> with R's types: floating-point and integer columns → numeric, booleans → logical,
/// dictionary-encoded strings (R's factors as <c>arrow</c> writes them) → factors whose levels are the dictionary in
/// its order, plain strings → factors with the CSV level order; nulls → NA. Only the asked columns are converted.
/// Other types (lists, structs, decimals, dates, binary) are a one-line error naming the column and its type, as is a
/// file that is not Arrow IPC or is truncated.
/// </summary>
public static class ArrowTableReader
{
    /// <summary>Reads <paramref name="path"/>; with <paramref name="columns"/> only those (all when one is not in the file).</summary>
    /// <exception cref="UserInputException">The file is not readable Arrow IPC, or a needed column has an unsupported type.</exception>
    public static DataTable Read(string path, IReadOnlySet<string>? columns = null)
    {
        try
        {
            return ReadBatches(path, columns);
        }
        catch (Exception e) when (e is not UserInputException and not OutOfMemoryException
                                  && (e is IOException or InvalidDataException or NotSupportedException or FormatException
                                      or ArgumentException or InvalidOperationException or IndexOutOfRangeException
                                      or OverflowException || e.GetType().Namespace?.StartsWith("Apache.Arrow", StringComparison.Ordinal) == true
                                      || e.GetType().Namespace?.StartsWith("Google.FlatBuffers", StringComparison.Ordinal) == true))
        {
            throw new UserInputException($"{path}: not a readable Arrow IPC file ({UserText.Clip(UserText.OneLine(e.Message), 120)})");
        }
    }

    private static DataTable ReadBatches(string path, IReadOnlySet<string>? wanted)
    {
        var batches = new List<RecordBatch>();
        Schema schema;
        using (var stream = File.OpenRead(path))
        {
            if (IsFileFormat(stream))
            {
                using var reader = new ArrowFileReader(stream, leaveOpen: true);
                int count = reader.RecordBatchCountAsync().AsTask().GetAwaiter().GetResult();
                schema = reader.Schema;
                for (int i = 0; i < count; i++) batches.Add(reader.ReadRecordBatchAsync(i, default).AsTask().GetAwaiter().GetResult());
            }
            else
            {
                using var reader = new ArrowStreamReader(stream, leaveOpen: true);
                schema = reader.Schema ?? throw new InvalidDataException("no schema");
                while (reader.ReadNextRecordBatch() is { } b) batches.Add(b);
            }
        }
        if (wanted is not null && wanted.Any(w => schema.GetFieldByName(w) is null)) wanted = null;
        long total = batches.Sum(b => (long)b.Length);
        if (total > System.Array.MaxLength) throw new UserInputException($"{path}: {total} rows; at most {System.Array.MaxLength} can be read");
        int n = (int)total;
        var result = new List<Column>();
        for (int c = 0; c < schema.FieldsList.Count; c++)
        {
            var field = schema.FieldsList[c];
            if (wanted is not null && !wanted.Contains(field.Name)) continue;
            result.Add(Convert(path, field, batches.Select(b => b.Column(c)).ToList(), n));
        }
        foreach (var b in batches) b.Dispose();
        return new DataTable(result, path);
    }

    /// <summary>The IPC file format starts with the magic "ARROW1"; otherwise the stream format is assumed.</summary>
    private static bool IsFileFormat(Stream s)
    {
        Span<byte> head = stackalloc byte[6];
        int read = s.ReadAtLeast(head, 6, throwOnEndOfStream: false);
        s.Position = 0;
        return read == 6 && head.SequenceEqual("ARROW1"u8);
    }

    private static Column Convert(string path, Field field, List<IArrowArray> parts, int n)
    {
        switch (field.DataType.TypeId)
        {
            case ArrowTypeId.Double or ArrowTypeId.Float or ArrowTypeId.HalfFloat or ArrowTypeId.Int8 or ArrowTypeId.Int16
                or ArrowTypeId.Int32 or ArrowTypeId.Int64 or ArrowTypeId.UInt8 or ArrowTypeId.UInt16 or ArrowTypeId.UInt32 or ArrowTypeId.UInt64:
            {
                var v = new double[n];
                int at = 0;
                foreach (var a in parts) { Numbers(a, v.AsSpan(at, a.Length)); at += a.Length; }
                return new NumericColumn(field.Name, v);
            }
            case ArrowTypeId.Boolean:
            {
                var v = new sbyte[n];
                int at = 0;
                foreach (var a in parts.Cast<BooleanArray>())
                {
                    for (int i = 0; i < a.Length; i++) v[at + i] = a.GetValue(i) is { } b ? (sbyte)(b ? 1 : 0) : (sbyte)-1;
                    at += a.Length;
                }
                return new LogicalColumn(field.Name, v);
            }
            case ArrowTypeId.String or ArrowTypeId.LargeString:
                return FactorColumn.FromLabels(field.Name, parts.SelectMany(Strings).ToList());
            case ArrowTypeId.Dictionary when ((DictionaryType)field.DataType).ValueType.TypeId is ArrowTypeId.String or ArrowTypeId.LargeString:
                return Dictionary(field.Name, parts.Cast<DictionaryArray>().ToList(), n);
            default:
                throw new UserInputException($"{path}: column '{UserText.Clip(field.Name)}' has Arrow type {field.DataType.Name}, which is not supported; convert it to a number, logical or string");
        }
    }

    private static void Numbers(IArrowArray a, Span<double> dst)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = a.IsNull(i) ? double.NaN : Value(a, i);
    }

    /// <summary>Element i (not null) of a numeric array, as fp64 (integer dictionary indices too).</summary>
    private static double Value(IArrowArray a, int i) => a switch
    {
        DoubleArray d => d.GetValue(i)!.Value,
        FloatArray f => f.GetValue(i)!.Value,
        HalfFloatArray h => (double)h.GetValue(i)!.Value,
        Int8Array x => x.GetValue(i)!.Value,
        Int16Array x => x.GetValue(i)!.Value,
        Int32Array x => x.GetValue(i)!.Value,
        Int64Array x => x.GetValue(i)!.Value,
        UInt8Array x => x.GetValue(i)!.Value,
        UInt16Array x => x.GetValue(i)!.Value,
        UInt32Array x => x.GetValue(i)!.Value,
        UInt64Array x => x.GetValue(i)!.Value,
        _ => throw new InvalidDataException($"unexpected array {a.GetType().Name}"),
    };

    private static IEnumerable<string?> Strings(IArrowArray a) => a switch
    {
        StringArray s => Enumerable.Range(0, s.Length).Select(i => s.IsNull(i) ? null : s.GetString(i)),
        LargeStringArray s => Enumerable.Range(0, s.Length).Select(i => s.IsNull(i) ? null : s.GetString(i)),
        _ => throw new InvalidDataException($"unexpected array {a.GetType().Name}"),
    };

    /// <summary>A dictionary-encoded column: the levels are the (first batch's) dictionary in its order, as R's factor levels.</summary>
    private static FactorColumn Dictionary(string name, List<DictionaryArray> parts, int n)
    {
        var levels = parts.Count == 0 ? [] : Strings(parts[0].Dictionary).Select(l => l ?? "NA").ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < levels.Count; k++) index.TryAdd(levels[k], k);
        var codes = new int[n];
        int at = 0;
        foreach (var d in parts)
        {
            // A batch with another dictionary is mapped through its labels (new labels are appended as levels).
            var labels = Strings(d.Dictionary).ToList();
            var map = new int[labels.Count];
            for (int k = 0; k < labels.Count; k++)
            {
                string l = labels[k] ?? "NA";
                if (!index.TryGetValue(l, out map[k])) { map[k] = levels.Count; index[l] = levels.Count; levels.Add(l); }
            }
            for (int i = 0; i < d.Length; i++)
            {
                if (d.IsNull(i)) { codes[at + i] = -1; continue; }
                codes[at + i] = map[(long)Value(d.Indices, i)];
            }
            at += d.Length;
        }
        return new FactorColumn(name, codes, levels.ToArray(), declaredLevels: true);
    }
}
