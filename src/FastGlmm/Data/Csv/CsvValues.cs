using System.Globalization;
using System.Text;

namespace FastGlmm.Data.Csv;

/// <summary>Classifies and converts CSV field contents (UTF-8, already unquoted and trimmed).</summary>
internal static class CsvValues
{
    private static readonly double[] Pow10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Parses a number as <c>double.TryParse</c> with <see cref="NumberStyles.Float"/> and the invariant
    /// culture does, and also R's <c>Inf</c>/<c>-Inf</c> (any case). Plain decimals of at most 19
    /// digits whose digits form an integer ≤ 2^53 take an exact fast path (Clinger's: one
    /// correctly rounded division by an exact power of ten), so results are bit-identical.
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        int n = s.Length, i = 0;
        if (n == 0) { value = 0; return false; }
        bool neg = false;
        if (s[0] == (byte)'-') { neg = true; i = 1; }
        else if (s[0] == (byte)'+') i = 1;
        ulong m = 0;
        int first = i;
        while (i < n)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9) break;
            m = m * 10 + d;
            i++;
        }
        int digits = i - first, frac = 0;
        if (i < n && s[i] == (byte)'.')
        {
            int f0 = ++i;
            while (i < n)
            {
                uint d = (uint)(s[i] - '0');
                if (d > 9) break;
                m = m * 10 + d;
                i++;
            }
            frac = i - f0;
            digits += frac;
        }
        if (i == n && digits is > 0 and <= 19 && m <= 1UL << 53)
        {
            double v = m;
            if (frac > 0) v /= Pow10[frac];
            value = neg ? -v : v;
            return true;
        }
        return SlowParse(s, out value);
    }

    private static bool SlowParse(ReadOnlySpan<byte> s, out double value)
    {
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        var t = s[0] is (byte)'-' or (byte)'+' ? s.Slice(1) : s;
        if (Ascii.EqualsIgnoreCase(t, "inf"u8))
        {
            value = s[0] == (byte)'-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>1 for TRUE/T/true/True, 0 for FALSE/F/false/False, -1 for anything else.</summary>
    public static sbyte ParseLogical(ReadOnlySpan<byte> s)
    {
        switch (s.Length)
        {
            case 1:
                return s[0] == (byte)'T' ? (sbyte)1 : s[0] == (byte)'F' ? (sbyte)0 : (sbyte)-1;
            case 4:
                return s.SequenceEqual("TRUE"u8) || s.SequenceEqual("true"u8) || s.SequenceEqual("True"u8) ? (sbyte)1 : (sbyte)-1;
            case 5:
                return s.SequenceEqual("FALSE"u8) || s.SequenceEqual("false"u8) || s.SequenceEqual("False"u8) ? (sbyte)0 : (sbyte)-1;
            default:
                return -1;
        }
    }
}

/// <summary>Recognises the NA tokens of <see cref="CsvReadOptions.NaTokens"/> in UTF-8 field contents.</summary>
internal sealed class CsvNaMatcher
{
    private readonly byte[][] _tokens;
    private readonly ulong _shortLengths; // bit L set when some token has length L < 64
    private readonly bool _hasLong;

    public CsvNaMatcher(IReadOnlyList<string> tokens)
    {
        _tokens = tokens.Where(t => t is not null).Distinct(StringComparer.Ordinal).Select(Encoding.UTF8.GetBytes).ToArray();
        foreach (var t in _tokens)
        {
            if (t.Length < 64) _shortLengths |= 1UL << t.Length;
            else _hasLong = true;
        }
    }

    public bool IsNa(ReadOnlySpan<byte> s)
    {
        if (s.Length < 64 ? (_shortLengths >> s.Length & 1) == 0 : !_hasLong) return false;
        foreach (var t in _tokens)
            if (s.SequenceEqual(t)) return true;
        return false;
    }
}
