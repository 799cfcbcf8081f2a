using System.Text;

namespace FastGlmm.Data.Csv;

/// <summary>
/// Reads CSV text into a <see cref="DataTable"/>, following R's <c>read.csv</c> where sensible.
/// <list type="bullet">
/// <item>The first non-blank record is the header. Names are unquoted and trimmed; an empty name
/// becomes "X" (as R names a row-name column); a repeated name is an error.</item>
/// <item>Quoting as in RFC 4180: a quoted field may hold the delimiter, newlines and doubled quotes.
/// As in R, a quote anywhere in a field opens a quoted section, and quoting never forces text:
/// a quoted "1" is a number.</item>
/// <item>LF or CRLF line endings, a UTF-8 byte-order mark, blank lines (skipped, as R does) and
/// whitespace around unquoted text are all accepted.</item>
/// <item>A field equal to one of <see cref="CsvReadOptions.NaTokens"/> is missing.</item>
/// <item>Each column is numeric when all its non-missing fields are numbers (invariant culture,
/// also <c>Inf</c> and <c>-Inf</c>), else logical when all are TRUE/FALSE/T/F/true/false/True/False,
/// else a factor with <see cref="FactorColumn.DefaultLevelOrder"/>. An all-missing column is numeric.</item>
/// </list>
/// Problems with the input are reported as a <see cref="UserInputException"/> whose one-line
/// message names the source and the 1-based physical line. Large inputs are parsed in parallel.
/// </summary>
public static class CsvReader
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// Reads the CSV file at <paramref name="path"/>; the table's <see cref="DataTable.Source"/> is the path.
    /// A missing or unreadable file is a <see cref="UserInputException"/>.
    /// </summary>
    public static DataTable ReadFile(string path, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) throw new UserInputException("CSV file path is empty");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UserInputException($"{path}: file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UserInputException($"{path}: cannot open the file ({UserText.OneLine(e.Message)})", e);
        }
        using (stream) return Read(stream, path, options);
    }

    /// <summary>
    /// Reads CSV text from <paramref name="stream"/> (to its end; the stream is not closed).
    /// <paramref name="sourceName"/> becomes the table's <see cref="DataTable.Source"/> and prefixes messages.
    /// </summary>
    public static DataTable Read(Stream stream, string sourceName, CsvReadOptions? options = null) =>
        Read(stream, sourceName, options, CsvTuning.Default);

    internal static DataTable Read(Stream stream, string sourceName, CsvReadOptions? options, CsvTuning tuning)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        options ??= CsvReadOptions.Default;
        char dc = options.Delimiter;
        if (dc > 127 || dc is '"' or '\n' or '\r')
            throw new UserInputException(
                $"CSV delimiter '{dc}' is not supported; use a single ASCII character other than a double quote, CR or LF");
        byte delimiter = (byte)dc;
        var na = new CsvNaMatcher(options.NaTokens ?? CsvReadOptions.DefaultNaTokens);

        CsvInput input;
        try
        {
            input = CsvInput.Load(stream, sourceName, tuning.MaxSegmentBytes);
        }
        catch (IOException e)
        {
            throw new UserInputException($"{sourceName}: cannot read the data ({UserText.OneLine(e.Message)})", e);
        }

        string[] names = ReadHeader(input, delimiter, out int[] bodyStart);
        int k = names.Length;
        var chunks = CsvChunkPlanner.Plan(input, bodyStart, tuning);

        var capacityOffsets = new int[chunks.Length];
        long capacity = 0;
        for (int c = 0; c < chunks.Length; c++)
        {
            capacityOffsets[c] = (int)Math.Min(capacity, int.MaxValue);
            capacity += chunks[c].Capacity;
        }
        if (capacity > Array.MaxLength)
            throw new UserInputException($"{sourceName}: more than {Array.MaxLength} lines of data; split the file");

        var numeric = new double[]?[k];
        for (int j = 0; j < k; j++) numeric[j] = GC.AllocateUninitializedArray<double>((int)capacity);
        var states = new CsvChunkState[chunks.Length];
        var po = tuning.ParallelOptions;
        Parallel.For(0, chunks.Length, po, c =>
        {
            var ch = chunks[c];
            states[c] = new CsvChunkState(k);
            CsvChunkParser.ParseNumeric(input.Segments[ch.Segment].Span, ch, delimiter, na, numeric, capacityOffsets[c], states[c]);
        });

        for (int c = 0; c < chunks.Length; c++)
            if (states[c].Error is { } err) throw Describe(input, names, chunks[c].Segment, err);

        var columns = CsvColumnBuilder.Build(input, names, chunks, states, numeric, capacityOffsets, delimiter, na, po);
        return new DataTable(columns, sourceName);
    }

    // Parses the first non-blank record; bodyStart[s] is where segment s's data records begin.
    private static string[] ReadHeader(CsvInput input, byte delimiter, out int[] bodyStart)
    {
        bodyStart = new int[input.Segments.Count];
        for (int s = 0; s < input.Segments.Count; s++)
        {
            var span = input.Segments[s].Span;
            var cur = new CsvFieldCursor(span, delimiter, s == 0 && span.StartsWith(Bom) ? Bom.Length : 0);
            if (!cur.StartRecord())
            {
                bodyStart[s] = span.Length;
                continue;
            }
            int headerStart = cur.Position;
            var names = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                var end = cur.Next(out var f);
                if (end == CsvFieldEnd.Unterminated)
                    throw new UserInputException(
                        $"{input.Source}, line {input.LineOf(s, cur.OpenQuote)}: unterminated quote in the header (the quote opened on this line is never closed)");
                string name = f.IsEmpty ? "X" : Encoding.UTF8.GetString(f);
                if (!seen.Add(name))
                    throw new UserInputException(
                        $"{input.Source}, line {input.LineOf(s, headerStart)}: column name '{UserText.Clip(name)}' appears twice in the header");
                names.Add(name);
                if (end == CsvFieldEnd.Record) break;
            }
            bodyStart[s] = cur.Position;
            return names.ToArray();
        }
        throw new UserInputException($"{input.Source}: the file is empty; a header row with the column names is required");
    }

    private static UserInputException Describe(CsvInput input, string[] names, int segment, CsvParseError err)
    {
        long line = input.LineOf(segment, err.Offset);
        if (!err.Unterminated)
            return new UserInputException($"{input.Source}, line {line}: expected {names.Length} fields, found {err.Found}");
        string where = err.Field < names.Length ? $"column '{UserText.Clip(names[err.Field])}'" : $"field {err.Field + 1}";
        return new UserInputException(
            $"{input.Source}, line {line}: unterminated quote in {where} (the quote opened on this line is never closed)");
    }

}
