namespace FastGlmm.Data.Csv;

/// <summary>How a field ended.</summary>
internal enum CsvFieldEnd : byte
{
    /// <summary>At a delimiter: more fields follow in this record.</summary>
    Delimiter,
    /// <summary>At a newline or the end of the buffer: the record is complete.</summary>
    Record,
    /// <summary>A quote opened at <see cref="CsvFieldCursor.OpenQuote"/> never closes.</summary>
    Unterminated,
}

/// <summary>
/// Splits a byte buffer of whole records into fields. Quoting follows R's <c>scan</c>: a double
/// quote anywhere in a field opens a quoted section that runs to the next lone quote; inside it a
/// doubled quote is a literal quote, and delimiters and newlines are literal. So <c>"a,b"</c>,
/// <c>"say ""hi"""</c> and <c>x"y"z</c> (read as <c>xyz</c>) all work. Whitespace (space, tab, CR,
/// unless it is the delimiter) outside quoted sections is trimmed from both ends of a field.
/// A field's content is a slice of the buffer when no copy is needed, else of a scratch buffer
/// that the next call overwrites.
/// </summary>
internal ref struct CsvFieldCursor
{
    private readonly ReadOnlySpan<byte> _buf;
    private readonly byte _delim;
    private readonly byte _ws1;
    private readonly byte _ws2;
    private byte[]? _scratch;
    private int _pos;

    /// <summary>Starts at <paramref name="start"/>, which must be a record boundary.</summary>
    public CsvFieldCursor(ReadOnlySpan<byte> buffer, byte delimiter, int start)
    {
        _buf = buffer;
        _delim = delimiter;
        _ws1 = delimiter == (byte)' ' ? (byte)'\r' : (byte)' ';
        _ws2 = delimiter == (byte)'\t' ? (byte)'\r' : (byte)'\t';
        _pos = start;
        _scratch = null;
        OpenQuote = -1;
    }

    /// <summary>The offset of the next unread byte.</summary>
    public readonly int Position => _pos;

    /// <summary>After <see cref="CsvFieldEnd.Unterminated"/>: the offset of the quote that never closes.</summary>
    public int OpenQuote { get; private set; }

    /// <summary>Skips blank lines; true when a record starts at <see cref="Position"/>.</summary>
    public bool StartRecord()
    {
        ReadOnlySpan<byte> buf = _buf;
        while (_pos < buf.Length)
        {
            int p = _pos;
            while (p < buf.Length && IsWs(buf[p])) p++;
            if (p == buf.Length) { _pos = p; return false; }
            if (buf[p] != (byte)'\n') return true;
            _pos = p + 1;
        }
        return false;
    }

    /// <summary>Reads the next field of the current record.</summary>
    public CsvFieldEnd Next(out ReadOnlySpan<byte> content)
    {
        ReadOnlySpan<byte> buf = _buf;
        int start = _pos, p = start;
        byte d = _delim;
        while ((uint)p < (uint)buf.Length)
        {
            byte b = buf[p];
            if (b == d)
            {
                content = Trim(buf.Slice(start, p - start));
                _pos = p + 1;
                return CsvFieldEnd.Delimiter;
            }
            if (b == (byte)'\n')
            {
                content = Trim(buf.Slice(start, p - start));
                _pos = p + 1;
                return CsvFieldEnd.Record;
            }
            if (b == (byte)'"') return Quoted(start, p, out content);
            p++;
        }
        content = Trim(buf.Slice(start));
        _pos = buf.Length;
        return CsvFieldEnd.Record;
    }

    /// <summary>Skips the rest of the record; returns the number of fields skipped, or -1 at an unterminated quote.</summary>
    public int SkipRest()
    {
        for (int n = 1; ; n++)
        {
            var end = Next(out _);
            if (end == CsvFieldEnd.Unterminated) return -1;
            if (end == CsvFieldEnd.Record) return n;
        }
    }

    private readonly bool IsWs(byte b) => b == _ws1 || b == _ws2 || b == (byte)'\r';

    private readonly ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        int a = 0, e = s.Length;
        while (a < e && IsWs(s[a])) a++;
        while (e > a && IsWs(s[e - 1])) e--;
        return s.Slice(a, e - a);
    }

    // The common quoted case, "text" with only whitespace around it, as a slice; else the general path.
    private CsvFieldEnd Quoted(int start, int q, out ReadOnlySpan<byte> content)
    {
        ReadOnlySpan<byte> buf = _buf;
        if (Trim(buf.Slice(start, q - start)).IsEmpty)
        {
            int i = buf.Slice(q + 1).IndexOf((byte)'"');
            if (i < 0) return Unterminated(q, out content);
            int p = q + 2 + i;
            if (p >= buf.Length || buf[p] != (byte)'"')
            {
                while (p < buf.Length && IsWs(buf[p])) p++;
                if (p >= buf.Length)
                {
                    content = buf.Slice(q + 1, i);
                    _pos = buf.Length;
                    return CsvFieldEnd.Record;
                }
                if (buf[p] == _delim || buf[p] == (byte)'\n')
                {
                    content = buf.Slice(q + 1, i);
                    _pos = p + 1;
                    return buf[p] == _delim ? CsvFieldEnd.Delimiter : CsvFieldEnd.Record;
                }
            }
        }
        return General(start, q, out content);
    }

    // Any mix of unquoted and quoted sections, assembled in the scratch buffer.
    private CsvFieldEnd General(int start, int q, out ReadOnlySpan<byte> content)
    {
        ReadOnlySpan<byte> buf = _buf;
        int n = 0;
        int a = start;
        while (a < q && IsWs(buf[a])) a++;
        Append(buf.Slice(a, q - a), ref n);
        int p = q;
        while (true)
        {
            int open = p++;
            while (true)
            {
                int i = buf.Slice(p).IndexOf((byte)'"');
                if (i < 0) return Unterminated(open, out content);
                Append(buf.Slice(p, i), ref n);
                p += i + 1;
                if (p < buf.Length && buf[p] == (byte)'"')
                {
                    Append(buf.Slice(p, 1), ref n);
                    p++;
                    continue;
                }
                break;
            }
            int keep = n;
            int run = p;
            while (p < buf.Length && buf[p] != _delim && buf[p] != (byte)'\n' && buf[p] != (byte)'"') p++;
            Append(buf.Slice(run, p - run), ref n);
            if (p < buf.Length && buf[p] == (byte)'"') continue;
            while (n > keep && IsWs(_scratch![n - 1])) n--;
            content = n == 0 ? default : _scratch.AsSpan(0, n);
            if (p >= buf.Length)
            {
                _pos = buf.Length;
                return CsvFieldEnd.Record;
            }
            _pos = p + 1;
            return buf[p] == _delim ? CsvFieldEnd.Delimiter : CsvFieldEnd.Record;
        }
    }

    private void Append(ReadOnlySpan<byte> s, ref int n)
    {
        if (s.IsEmpty) return;
        if (_scratch is null || n + s.Length > _scratch.Length)
            Array.Resize(ref _scratch, Math.Max(64, 2 * (n + s.Length)));
        s.CopyTo(_scratch.AsSpan(n));
        n += s.Length;
    }

    private CsvFieldEnd Unterminated(int open, out ReadOnlySpan<byte> content)
    {
        OpenQuote = open;
        _pos = _buf.Length;
        content = default;
        return CsvFieldEnd.Unterminated;
    }
}
