namespace FastGlmm.Data.Csv;

/// <summary>The first structural error of a chunk; <see cref="Offset"/> is a byte offset in its segment.</summary>
internal readonly record struct CsvParseError(bool Unterminated, int Offset, int Field, int Found);

/// <summary>What one chunk's first pass learned about its records and columns.</summary>
internal sealed class CsvChunkState
{
    public CsvChunkState(int columns)
    {
        NumericOk = new bool[columns];
        LogicalOk = new bool[columns];
        Array.Fill(NumericOk, true);
        Array.Fill(LogicalOk, true);
    }

    public int Rows { get; set; }

    /// <summary>Per column: every non-NA field so far parsed as a number.</summary>
    public bool[] NumericOk { get; }

    /// <summary>Per column: every non-NA field so far was a logical token.</summary>
    public bool[] LogicalOk { get; }

    public CsvParseError? Error { get; set; }
}

/// <summary>Per column, where the second pass stores values of a non-numeric column.</summary>
internal sealed class CsvTextTarget
{
    public sbyte[]? Logical { get; init; }
    public int[]? Codes { get; init; }
}

/// <summary>The two passes over one chunk.</summary>
internal static class CsvChunkParser
{
    /// <summary>
    /// First pass: checks the record structure, parses every still-numeric column into
    /// <paramref name="numeric"/> at rows <paramref name="rowOffset"/>.., and tracks per column whether
    /// its fields remain numeric or logical. Stops at the first structural error.
    /// </summary>
    public static void ParseNumeric(ReadOnlySpan<byte> segment, CsvChunk chunk, byte delimiter, CsvNaMatcher na,
        double[]?[] numeric, int rowOffset, CsvChunkState state)
    {
        int k = numeric.Length;
        bool[] numOk = state.NumericOk, logOk = state.LogicalOk;
        var cur = new CsvFieldCursor(segment.Slice(0, chunk.End), delimiter, chunk.Start);
        int row = 0;
        while (cur.StartRecord())
        {
            int recordStart = cur.Position;
            int idx = rowOffset + row;
            for (int j = 0; j < k; j++)
            {
                var end = cur.Next(out var f);
                if (end == CsvFieldEnd.Unterminated)
                {
                    state.Error = new CsvParseError(true, cur.OpenQuote, j, 0);
                    state.Rows = row;
                    return;
                }
                if (numOk[j])
                {
                    if (na.IsNa(f)) numeric[j]![idx] = double.NaN;
                    else if (CsvValues.TryParseDouble(f, out double v)) { numeric[j]![idx] = v; logOk[j] = false; }
                    else { numOk[j] = false; logOk[j] = logOk[j] && CsvValues.ParseLogical(f) >= 0; }
                }
                else if (logOk[j] && CsvValues.ParseLogical(f) < 0 && !na.IsNa(f))
                {
                    logOk[j] = false;
                }

                if (end == CsvFieldEnd.Record && j < k - 1)
                {
                    state.Error = new CsvParseError(false, recordStart, j, j + 1);
                    state.Rows = row;
                    return;
                }
                if (end == CsvFieldEnd.Delimiter && j == k - 1)
                {
                    int more = cur.SkipRest();
                    state.Error = more < 0
                        ? new CsvParseError(true, cur.OpenQuote, k, 0)
                        : new CsvParseError(false, recordStart, k, k + more);
                    state.Rows = row;
                    return;
                }
            }
            row++;
        }
        state.Rows = row;
    }

    /// <summary>
    /// Second pass, for chunks of an input that passed the first: stores the logical values, or the
    /// chunk-local factor codes (into <paramref name="levels"/>), of the columns with a target.
    /// </summary>
    public static void ExtractText(ReadOnlySpan<byte> segment, CsvChunk chunk, byte delimiter, CsvNaMatcher na,
        CsvTextTarget?[] targets, CsvLevelSet?[] levels, int rowOffset)
    {
        int k = targets.Length;
        int last = k - 1;
        while (last >= 0 && targets[last] is null) last--;
        var cur = new CsvFieldCursor(segment.Slice(0, chunk.End), delimiter, chunk.Start);
        int row = rowOffset;
        while (cur.StartRecord())
        {
            for (int j = 0; j < k; j++)
            {
                var end = cur.Next(out var f);
                var t = targets[j];
                if (t is not null)
                {
                    bool missing = na.IsNa(f);
                    if (t.Logical is not null) t.Logical[row] = missing ? (sbyte)-1 : CsvValues.ParseLogical(f);
                    else t.Codes![row] = missing ? -1 : levels[j]!.CodeOf(f);
                }
                if (end != CsvFieldEnd.Delimiter) break;
                if (j == last) { cur.SkipRest(); break; }
            }
            row++;
        }
    }
}
