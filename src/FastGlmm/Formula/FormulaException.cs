namespace FastGlmm.Formula;

/// <summary>
/// A formula that cannot be parsed or does not fit the data. The one-line message names the
/// 1-based character position and shows the formula with the offending text marked as
/// <c>&gt;&gt;text&lt;&lt;</c>; control characters in it (a line break in the formula) are shown as escapes such as \n.
/// </summary>
public sealed class FormulaException : UserInputException
{
    /// <summary>Creates the exception for <paramref name="formula"/> at [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public FormulaException(string formula, int start, int end, string problem)
        : base(Compose(formula, start, end, problem))
    {
        Formula = formula;
        Start = start;
        End = end;
        Problem = problem;
    }

    /// <summary>The formula text as given.</summary>
    public string Formula { get; }

    /// <summary>0-based start index of the offending text.</summary>
    public int Start { get; }

    /// <summary>0-based end index (exclusive) of the offending text.</summary>
    public int End { get; }

    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }

    private static string Compose(string formula, int start, int end, string problem)
    {
        start = Math.Clamp(start, 0, formula.Length);
        end = Math.Clamp(Math.Max(end, start), start, formula.Length);
        string marked = Cut(formula[..start], fromEnd: true) + ">>" + Cut(formula[start..end], fromEnd: false) + "<<" + Cut(formula[end..], fromEnd: false);
        return $"formula error at position {start + 1}: {UserText.Escape(problem)} in: {UserText.Escape(marked)}";
    }

    /// <summary>The most characters of a formula shown on each side of the marked text, and in it.</summary>
    public const int Context = 60;

    /// <summary>At most <see cref="Context"/> characters of <paramref name="s"/>, the cut marked with "…".</summary>
    private static string Cut(string s, bool fromEnd) =>
        s.Length <= Context ? s : fromEnd ? "…" + s[^Context..] : s[..Context] + "…";
}
