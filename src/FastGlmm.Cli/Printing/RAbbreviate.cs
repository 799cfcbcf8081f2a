using System.Text;

namespace FastGlmm.Cli.Printing;

/// <summary>
/// R's <c>abbreviate(names, minlength)</c> (method "left.kept", use.classes = TRUE), as lme4 uses it for the
/// correlation table: from the right, drop lower-case vowels that end a word, then other lower-case vowels,
/// then lower-case letters that end a word, then other lower-case letters, then anything but a word's first
/// character, until the name is at most <c>minlength</c> long; names that would collide get a longer minlength.
/// </summary>
internal static class RAbbreviate
{
    /// <summary>Abbreviates each name, keeping the abbreviations of distinct names distinct, as R does.</summary>
    public static string[] Abbreviate(IReadOnlyList<string> names, int minLength)
    {
        var trimmed = names.Select(n => n.Trim(' ')).ToArray();
        var unique = trimmed.Distinct(StringComparer.Ordinal).ToArray();
        var x = new string[unique.Length];
        var redo = Enumerable.Range(0, unique.Length).ToList();
        int minlen = minLength;
        while (true)
        {
            foreach (int i in redo) x[i] = Strip(unique[i], minlen);
            var dups = Enumerable.Range(0, x.Length).Where(i => Array.IndexOf(x, x[i]) != i).ToList();
            if (dups.Count == 0) break;
            minlen++;
            // R: re-abbreviate the duplicates and every name whose abbreviation they collide with.
            var clash = dups.Select(i => x[i]).ToHashSet(StringComparer.Ordinal);
            redo = Enumerable.Range(0, x.Length).Where(i => clash.Contains(x[i])).ToList();
        }
        return trimmed.Select(n => x[Array.IndexOf(unique, n)]).ToArray();
    }

    /// <summary>Abbreviates one name (R's C routine stripchars for ASCII text).</summary>
    public static string Strip(string name, int minlen)
    {
        if (name.Length <= minlen) return name;
        var s = new StringBuilder(name);
        int nspace = 0;
        bool Done() => s.Length - nspace <= minlen;
        bool IsSpace(int i) => char.IsWhiteSpace(s[i]);
        bool FirstChar(int i) => IsSpace(i - 1);
        bool LastChar(int i) => !IsSpace(i - 1) && (i + 1 >= s.Length || IsSpace(i + 1));
        static bool Vowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';
        static bool Lower(char c) => c is >= 'a' and <= 'z';

        // Trailing spaces are dropped; inner ones are counted (they mark words) and removed at the end.
        bool trailing = true;
        for (int i = s.Length - 1; i > 0; i--)
        {
            if (IsSpace(i))
            {
                if (trailing) s.Length = i;
                else nspace++;
            }
            else trailing = false;
            if (Done()) return Finish(s, minlen);
        }
        var passes = new Func<int, bool>[]
        {
            i => Vowel(s[i]) && LastChar(i),
            i => Vowel(s[i]) && !FirstChar(i),
            i => Lower(s[i]) && LastChar(i),
            i => Lower(s[i]) && !FirstChar(i),
            i => !FirstChar(i) && !IsSpace(i),
        };
        foreach (var drop in passes)
            for (int i = s.Length - 1; i > 0; i--)
            {
                if (i < s.Length && drop(i)) s.Remove(i, 1);
                if (Done()) return Finish(s, minlen);
            }
        return Finish(s, minlen);
    }

    private static string Finish(StringBuilder s, int minlen)
    {
        if (s.Length > minlen)
            for (int i = s.Length - 1; i > 0; i--)
                if (char.IsWhiteSpace(s[i])) s.Remove(i, 1);
        return s.ToString();
    }
}
