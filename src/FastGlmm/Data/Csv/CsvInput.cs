namespace FastGlmm.Data.Csv;

/// <summary>One in-memory piece of the input: <c>Data[0..Length)</c>, always a whole number of records.</summary>
internal readonly struct CsvSegment(byte[] data, int length)
{
    public byte[] Data { get; } = data;
    public int Length { get; } = length;
    public ReadOnlySpan<byte> Span => Data.AsSpan(0, Length);
}

/// <summary>
/// The raw bytes of a CSV input, held as one segment (inputs up to <see cref="CsvTuning.MaxSegmentBytes"/>)
/// or several, each cut after a record-ending newline. Quotes toggle the quoted state wherever they
/// occur (R's <c>scan</c> rule, of which RFC 4180's doubled quote is a special case), so a newline
/// ends a record exactly when an even number of quotes precedes it; that parity is what lets the
/// reader cut the input without tokenizing it.
/// </summary>
internal sealed class CsvInput
{
    private readonly List<CsvSegment> _segments;

    private CsvInput(string source, List<CsvSegment> segments)
    {
        Source = source;
        _segments = segments;
    }

    /// <summary>Where the data came from, for messages.</summary>
    public string Source { get; }

    public IReadOnlyList<CsvSegment> Segments => _segments;

    /// <summary>1-based physical line number of byte <paramref name="offset"/> of segment <paramref name="segment"/>.</summary>
    public long LineOf(int segment, int offset)
    {
        long line = 1;
        for (int s = 0; s < segment; s++) line += _segments[s].Span.Count((byte)'\n');
        return line + _segments[segment].Data.AsSpan(0, offset).Count((byte)'\n');
    }

    /// <summary>Reads <paramref name="stream"/> to its end.</summary>
    public static CsvInput Load(Stream stream, string source, int maxSegmentBytes)
    {
        var segments = new List<CsvSegment>();
        long remaining = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : -1;
        if (remaining >= 0 && remaining <= maxSegmentBytes)
        {
            var all = new byte[remaining];
            int n = stream.ReadAtLeast(all, all.Length, throwOnEndOfStream: false);
            segments.Add(new CsvSegment(all, n));
            return new CsvInput(source, segments);
        }

        var buf = new byte[remaining >= 0 ? maxSegmentBytes : Math.Min(maxSegmentBytes, 1 << 20)];
        int len = 0;
        long linesBefore = 0;
        while (true)
        {
            len += stream.ReadAtLeast(buf.AsSpan(len), buf.Length - len, throwOnEndOfStream: false);
            if (len < buf.Length)
            {
                segments.Add(new CsvSegment(buf, len));
                return new CsvInput(source, segments);
            }
            if (buf.Length < maxSegmentBytes)
            {
                Array.Resize(ref buf, (int)Math.Min(maxSegmentBytes, 2L * buf.Length));
                continue;
            }
            int cut = LastRecordEnd(buf.AsSpan(0, len));
            if (cut <= 0)
            {
                // No newline outside quotes: the quote that makes the first newline quoted opened on this line.
                throw new UserInputException(buf.AsSpan(0, len).Contains((byte)'\n')
                    ? $"{source}, line {linesBefore + 1}: unterminated quote (a quoted field opened on this line runs past {maxSegmentBytes} bytes)"
                    : $"{source}, line {linesBefore + 1}: the line is longer than {maxSegmentBytes} bytes");
            }
            var next = new byte[maxSegmentBytes];
            buf.AsSpan(cut, len - cut).CopyTo(next);
            segments.Add(new CsvSegment(buf, cut));
            linesBefore += buf.AsSpan(0, cut).Count((byte)'\n');
            buf = next;
            len -= cut;
        }
    }

    /// <summary>
    /// The offset just past the last newline of <paramref name="data"/> that lies outside quotes
    /// (data is assumed to start at a record boundary), or -1 when there is none.
    /// </summary>
    internal static int LastRecordEnd(ReadOnlySpan<byte> data)
    {
        int parity = data.Count((byte)'"') & 1; // parity of the quotes in data[0..p+1) at the loop head
        int p = data.Length;
        while (true)
        {
            p = data.Slice(0, p).LastIndexOfAny((byte)'"', (byte)'\n');
            if (p < 0) return -1;
            if (data[p] == (byte)'"') parity ^= 1;
            else if (parity == 0) return p + 1;
        }
    }
}
