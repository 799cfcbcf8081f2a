using System.Text;

namespace FastGlmm.Cli.Printing;

/// <summary>
/// R's <c>print()</c> of a character matrix (<c>quote = FALSE</c>) and of a named vector: row names
/// left-justified, one space between columns, each column as wide as its header and cells. Trailing
/// blanks, which R prints, are trimmed.
/// </summary>
internal static class TextMatrix
{
    /// <summary>
    /// Prints a matrix: <paramref name="right"/> justifies cells and headers to the right (printCoefmat),
    /// otherwise to the left (R's default for character matrices).
    /// </summary>
    public static void Write(TextWriter o, IReadOnlyList<string> rowNames, IReadOnlyList<string> headers,
        IReadOnlyList<IReadOnlyList<string>> rows, bool right)
    {
        int rw = rowNames.Select(r => r.Length).DefaultIfEmpty(0).Max();
        var widths = headers.Select((h, j) => Math.Max(h.Length, rows.Select(r => r[j].Length).DefaultIfEmpty(0).Max())).ToArray();
        string Pad(string s, int w) => right ? s.PadLeft(w) : s.PadRight(w);
        var line = new StringBuilder();
        line.Append(new string(' ', rw));
        for (int j = 0; j < headers.Count; j++) line.Append(' ').Append(Pad(headers[j], widths[j]));
        o.WriteLine(line.ToString().TrimEnd());
        for (int i = 0; i < rows.Count; i++)
        {
            line.Clear().Append(rowNames[i].PadRight(rw));
            for (int j = 0; j < headers.Count; j++) line.Append(' ').Append(Pad(rows[i][j], widths[j]));
            o.WriteLine(line.ToString().TrimEnd());
        }
    }

    /// <summary>Prints a named vector as R does: names over values, all right-justified to one common width.</summary>
    public static void WriteNamed(TextWriter o, IReadOnlyList<string> names, IReadOnlyList<string> values)
    {
        int w = names.Concat(values).Max(s => s.Length);
        o.WriteLine(string.Join(" ", names.Select(n => n.PadLeft(w))).TrimEnd());
        o.WriteLine(string.Join(" ", values.Select(v => v.PadLeft(w))).TrimEnd());
    }
}
