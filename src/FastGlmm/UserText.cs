using System.Text;

namespace FastGlmm;

/// <summary>
/// Quotes text that came from the user's data or command line (a field, a level, a column name) into an
/// error message: at most a few dozen characters, on one line, however long or odd the original.
/// </summary>
public static class UserText
{
    /// <summary>The most characters of a quoted value an error message shows.</summary>
    public const int DefaultWidth = 40;

    /// <summary>The most characters a whole one-line message keeps (a net under every front end).</summary>
    public const int MaxMessage = 2000;

    /// <summary>
    /// <paramref name="text"/> with control characters written as escapes (\n, \r, \t, \u0001) and, when it is longer
    /// than <paramref name="width"/> characters, cut to its first <paramref name="width"/> followed by
    /// "… (N characters)". The result holds no line break and at most width characters of the original.
    /// </summary>
    public static string Clip(string text, int width = DefaultWidth)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Escaped(text, Math.Min(text.Length, width));
    }

    /// <summary><paramref name="text"/> with control characters written as escapes (\n, \r, \t, \u0001), uncut.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (char c in text)
            if (char.IsControl(c)) return Escaped(text, text.Length);
        return text;
    }

    private static string Escaped(string text, int n)
    {
        if (n > 0 && char.IsHighSurrogate(text[n - 1]) && n < text.Length) n--; // do not split a surrogate pair
        var sb = new StringBuilder(n + 30);
        for (int i = 0; i < n; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4"));
                    else sb.Append(c);
                    break;
            }
        }
        if (n < text.Length) sb.Append("… (").Append(text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" characters)");
        return sb.ToString();
    }

    /// <summary>
    /// A message made safe to print as one line: line breaks become spaces and a message longer than
    /// <see cref="MaxMessage"/> characters is cut there with "…".
    /// </summary>
    public static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string s = message.Length > MaxMessage ? message[..MaxMessage] + "…" : message;
        return s.ReplaceLineEndings(" ");
    }
}
