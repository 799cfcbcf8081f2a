namespace FastGlmm.Data.Csv;

/// <summary>
/// A range of whole records, <c>[Start, End)</c> of one segment, parsed by one worker.
/// <paramref name="Capacity"/> bounds its record count (its newlines, plus one when it does not end in one).
/// </summary>
internal readonly record struct CsvChunk(int Segment, int Start, int End, int Capacity);

/// <summary>Cuts the body of each segment into chunks of whole records for parallel parsing.</summary>
internal static class CsvChunkPlanner
{
    /// <summary>
    /// Splits <c>[bodyStart[s], length)</c> of every segment at roughly equal points, each moved
    /// forward to the next newline outside quotes (found from the parity of the quotes before it).
    /// </summary>
    public static CsvChunk[] Plan(CsvInput input, int[] bodyStart, CsvTuning tuning)
    {
        var po = tuning.ParallelOptions;
        var ranges = new List<(int Segment, int Start, int End)>();
        for (int s = 0; s < input.Segments.Count; s++)
        {
            var seg = input.Segments[s];
            int start = bodyStart[s], end = seg.Length;
            if (start >= end) continue;
            long maxChunks = Math.Max(1, (long)tuning.ChunksPerWorker * po.MaxDegreeOfParallelism);
            int n = (int)Math.Clamp((end - start) / Math.Max(1, tuning.MinChunkBytes), 1, maxChunks);
            var points = new int[n + 1];
            for (int i = 0; i <= n; i++) points[i] = start + (int)((long)(end - start) * i / n);

            var quoteParity = new int[n];
            Parallel.For(0, n, po, i =>
                quoteParity[i] = seg.Data.AsSpan(points[i], points[i + 1] - points[i]).Count((byte)'"') & 1);

            int parity = 0, prev = start;
            for (int i = 1; i <= n; i++)
            {
                parity ^= quoteParity[i - 1];
                int cut = i == n ? end : NextRecordStart(seg.Span, points[i], parity);
                if (cut > prev)
                {
                    ranges.Add((s, prev, cut));
                    prev = cut;
                }
            }
        }

        var chunks = new CsvChunk[ranges.Count];
        Parallel.For(0, chunks.Length, po, c =>
        {
            var (s, a, b) = ranges[c];
            var span = input.Segments[s].Data.AsSpan(a, b - a);
            int cap = span.Count((byte)'\n') + (span[^1] == (byte)'\n' ? 0 : 1);
            chunks[c] = new CsvChunk(s, a, b, cap);
        });
        return chunks;
    }

    /// <summary>
    /// The offset just past the first newline at or after <paramref name="p"/> that lies outside quotes,
    /// given the parity of the quotes before <paramref name="p"/>; the span's length when there is none.
    /// </summary>
    internal static int NextRecordStart(ReadOnlySpan<byte> data, int p, int parity)
    {
        while (true)
        {
            int i = data.Slice(p).IndexOfAny((byte)'"', (byte)'\n');
            if (i < 0) return data.Length;
            p += i;
            if (data[p] == (byte)'"') parity ^= 1;
            else if (parity == 0) return p + 1;
            p++;
        }
    }
}
