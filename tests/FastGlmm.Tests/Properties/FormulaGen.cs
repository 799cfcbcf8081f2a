using CsCheck;

namespace FastGlmm.Tests.Properties;

/// <summary>
/// Generators of model formulas: well-formed random expression trees over sleepstudy's columns (and a few unknown
/// names), and token soup that is mostly malformed. Both come as token lists so that the spacing can vary.
/// </summary>
internal static class FormulaGen
{
    private static readonly string[] Names = ["Days", "Subject", "Reaction", "Days", "Subject", "x", "Dayz", "`Days`", "."];
    private static readonly string[] Numbers = ["1", "0", "-1", "2", "3", "0.5", "1e400", "10"];
    private static readonly string[] Functions = ["I", "log", "exp", "sqrt", "factor", "offset", "abs", "scale", "poly", "cbind", "ns", "as.numeric", "foo"];
    private static readonly string[] BinaryOps = ["+", "+", "+", "*", ":", "-", "/", "^", "%in%", "|", "||", "==", ">", "&"];

    // Flattens tokens and token lists into one token list.
    private static string[] T(params object[] parts) =>
        parts.SelectMany(p => p is string s ? [s] : (string[])p).ToArray();

    private static (int, IGen<string[]>) W(int weight, Gen<string[]> gen) => (weight, gen);

    /// <summary>A random expression of at most <paramref name="depth"/> levels, as tokens.</summary>
    public static Gen<string[]> Expr(int depth)
    {
        var leaf = Gen.Frequency(W(4, Gen.OneOf(Names).Select(t => T(t))), W(1, Gen.OneOf(Numbers).Select(t => T(t))));
        if (depth == 0) return leaf;
        var sub = Expr(depth - 1);
        var call = Gen.Select(Gen.OneOf(Functions), sub, Gen.Int[0, 2], sub,
            (f, a, extra, b) => extra == 0 ? T(f, "(", a, ")") : extra == 1 ? T(f, "(", a, ",", "2", ")") : T(f, "(", a, ",", b, ")"));
        var binary = Gen.Select(sub, Gen.OneOf(BinaryOps), sub, (a, op, b) => T(a, op, b));
        var paren = sub.Select(a => T("(", a, ")"));
        var random = Gen.Select(sub, Gen.OneOf("|", "||"), Gen.OneOf("Subject", "Days", "Subject:Days", "x", "factor(Days)"),
            (a, bar, g) => T("(", a, bar, g, ")"));
        return Gen.Frequency(W(3, leaf), W(2, call), W(4, binary), W(1, paren), W(2, random));
    }

    /// <summary>A whole formula: an optional response, a tilde and a right-hand side.</summary>
    public static Gen<string[]> Formula { get; } = Gen.Select(
        Gen.Frequency(W(6, Gen.Const(T("Reaction"))), W(1, Gen.Const(T())), W(1, Gen.Const(T("log", "(", "Reaction", ")"))),
            W(1, Gen.Const(T("Days"))), W(1, Gen.Const(T("cbind", "(", "Reaction", ",", "Days", ")")))),
        Expr(4), Gen.Frequency((8, "~"), (1, ""), (1, "~~"), (1, "=")),
        (lhs, rhs, tilde) => tilde.Length == 0 ? T(lhs, rhs) : T(lhs, tilde, rhs));

    private static readonly string[] Soup =
    [
        "Reaction", "Days", "Subject", "~", "~", "+", "-", "*", "/", ":", "^", "|", "||", "(", "(", ")", ")", ",", ".",
        "1", "0", "-1", "2", "1e5", "1.5.5", "0x1F", "I(", "log(", "poly(", "offset(", "%in%", "%%", "%", "`", "`Days`",
        "\"", "'", "\"a b\"", "#", "\\", "=", "==", "!", "&", "[", "]", "{", "}", "$", "@", ";", "\n", "\t", "ä", "名",
        "\u0000", "\u00a0", "𝑥", "NA", "NULL", "TRUE", "Inf", "NaN", "function", "if", "..1", "_", "x_1", "a.b", "9e999999",
    ];

    /// <summary>Mostly malformed token sequences of 0 to 30 tokens.</summary>
    public static Gen<string[]> TokenSoup { get; } = Gen.OneOf(Soup).Array[0, 30];

    /// <summary>Random expression trees (three in four) and token soup.</summary>
    public static Gen<string[]> Any { get; } = Gen.Frequency(W(3, Formula), W(1, TokenSoup));
}
