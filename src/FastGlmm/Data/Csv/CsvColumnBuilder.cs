namespace FastGlmm.Data.Csv;

/// <summary>
/// Turns the first-pass results into columns: numeric columns are already parsed; the others get a
/// second pass that stores logical values or factor codes, whose chunk-local levels are then merged
/// and put in <see cref="FactorColumn.DefaultLevelOrder"/>.
/// </summary>
internal static class CsvColumnBuilder
{
    public static Column[] Build(CsvInput input, string[] names, CsvChunk[] chunks, CsvChunkState[] states,
        double[]?[] numeric, int[] capacityOffsets, byte delimiter, CsvNaMatcher na, ParallelOptions po)
    {
        int k = names.Length;
        var rowOffsets = new int[chunks.Length];
        int total = 0;
        for (int c = 0; c < chunks.Length; c++)
        {
            rowOffsets[c] = total;
            total += states[c].Rows;
        }
        int capacity = chunks.Length == 0 ? 0 : capacityOffsets[^1] + chunks[^1].Capacity;

        var columns = new Column[k];
        var targets = new CsvTextTarget?[k];
        bool anyText = false;
        for (int j = 0; j < k; j++)
        {
            if (states.All(s => s.NumericOk[j]))
            {
                var values = numeric[j] ?? [];
                if (total != capacity) values = Compact(values, chunks, states, capacityOffsets, rowOffsets, total);
                columns[j] = new NumericColumn(names[j], values);
                continue;
            }
            numeric[j] = null; // let the GC have it before the second pass allocates
            anyText = true;
            targets[j] = states.All(s => s.LogicalOk[j])
                ? new CsvTextTarget { Logical = new sbyte[total] }
                : new CsvTextTarget { Codes = new int[total] };
        }
        if (!anyText) return columns;

        var levels = new CsvLevelSet?[chunks.Length][];
        Parallel.For(0, chunks.Length, po, c =>
        {
            levels[c] = targets.Select(t => t?.Codes is null ? null : new CsvLevelSet()).ToArray();
            var ch = chunks[c];
            CsvChunkParser.ExtractText(input.Segments[ch.Segment].Span, ch, delimiter, na, targets, levels[c], rowOffsets[c]);
        });

        for (int j = 0; j < k; j++)
        {
            var t = targets[j];
            if (t is null) continue;
            columns[j] = t.Logical is not null
                ? new LogicalColumn(names[j], t.Logical)
                : MergeFactor(names[j], t.Codes!, levels.Select(l => l[j]!).ToArray(), chunks, states, rowOffsets, po);
        }
        return columns;
    }

    // Closes the gaps that blank lines and quoted newlines leave between chunks' rows.
    private static double[] Compact(double[] values, CsvChunk[] chunks, CsvChunkState[] states,
        int[] capacityOffsets, int[] rowOffsets, int total)
    {
        var result = GC.AllocateUninitializedArray<double>(total);
        for (int c = 0; c < chunks.Length; c++)
            Array.Copy(values, capacityOffsets[c], result, rowOffsets[c], states[c].Rows);
        return result;
    }

    private static FactorColumn MergeFactor(string name, int[] codes, CsvLevelSet[] local, CsvChunk[] chunks,
        CsvChunkState[] states, int[] rowOffsets, ParallelOptions po)
    {
        var global = new Dictionary<string, int>(StringComparer.Ordinal);
        var labels = new List<string>();
        var toGlobal = new int[local.Length][];
        for (int c = 0; c < local.Length; c++)
        {
            var l = local[c].Labels;
            toGlobal[c] = new int[l.Count];
            for (int i = 0; i < l.Count; i++)
            {
                if (!global.TryGetValue(l[i], out int g))
                {
                    g = labels.Count;
                    global.Add(l[i], g);
                    labels.Add(l[i]);
                }
                toGlobal[c][i] = g;
            }
        }

        string[] levels = FactorColumn.DefaultLevelOrder(labels);
        var rank = new int[levels.Length];
        for (int r = 0; r < levels.Length; r++) rank[global[levels[r]]] = r;

        bool identity = local.Length == 1 && Enumerable.Range(0, rank.Length).All(i => toGlobal[0][i] == i && rank[i] == i);
        if (!identity)
        {
            Parallel.For(0, chunks.Length, po, c =>
            {
                var map = toGlobal[c];
                var span = codes.AsSpan(rowOffsets[c], states[c].Rows);
                for (int i = 0; i < span.Length; i++)
                    if (span[i] >= 0) span[i] = rank[map[span[i]]];
            });
        }
        return new FactorColumn(name, codes, levels);
    }
}
