using System.Text;

namespace FastGlmm.Data.Csv;

/// <summary>
/// Distinct labels of one text column within one chunk, numbered in order of first appearance.
/// Looks UTF-8 fields up without allocating; only a new label allocates its string.
/// </summary>
internal sealed class CsvLevelSet
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _labels = [];
    private char[] _chars = new char[64];

    public CsvLevelSet() => _lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();

    public IReadOnlyList<string> Labels => _labels;

    /// <summary>The local code of <paramref name="utf8"/>, adding it when new.</summary>
    public int CodeOf(ReadOnlySpan<byte> utf8)
    {
        if (_chars.Length < utf8.Length + 1) _chars = new char[Math.Max(2 * _chars.Length, utf8.Length + 1)];
        int n = Encoding.UTF8.GetChars(utf8, _chars);
        var key = _chars.AsSpan(0, n);
        if (_lookup.TryGetValue(key, out int code)) return code;
        code = _labels.Count;
        var label = new string(key);
        _index.Add(label, code);
        _labels.Add(label);
        return code;
    }
}
