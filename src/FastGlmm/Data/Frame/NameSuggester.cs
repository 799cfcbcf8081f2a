namespace FastGlmm.Data.Frame;

/// <summary>Suggests the closest column names for a misspelt one (Levenshtein distance, case-insensitive).</summary>
public static class NameSuggester
{
    /// <summary>
    /// Up to <paramref name="max"/> candidates within distance max(2, |name|/3) of <paramref name="name"/>,
    /// closest first; an exact case-insensitive match always comes first.
    /// </summary>
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> candidates, int max = 3)
    {
        int limit = Math.Max(2, name.Length / 3);
        string lower = name.ToLowerInvariant();
        // The distance is at least the difference in length: skip hopeless candidates (a 200 MB header field)
        // without the quadratic Levenshtein table.
        return candidates
            .Where(c => Math.Abs(c.Length - name.Length) <= limit || c.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            .Select(c => (c, d: Math.Abs(c.Length - name.Length) <= limit ? Distance(lower, c.ToLowerInvariant()) : int.MaxValue))
            .Where(x => x.d <= limit || x.c.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(x => x.d).ThenBy(x => x.c, StringComparer.Ordinal)
            .Take(max).Select(x => x.c).ToList();
    }

    /// <summary>The Levenshtein edit distance between two strings.</summary>
    public static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
