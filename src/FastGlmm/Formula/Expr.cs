using System.Globalization;

namespace FastGlmm.Formula;

/// <summary>
/// A node of a parsed formula expression, with its [<see cref="Start"/>, <see cref="End"/>) span in
/// the formula text. <see cref="Deparse"/> renders it as R's <c>deparse()</c> does, which is how R
/// names model-matrix columns (e.g. <c>I(week &gt; 2)</c>, <c>exp(size/100)</c>).
/// </summary>
public abstract record Expr(int Start, int End)
{
    /// <summary>The expression as R's <c>deparse()</c> writes it.</summary>
    public abstract string Deparse();

    /// <summary>Every column name the expression reads, with its node, in order of appearance.</summary>
    public IEnumerable<NameExpr> Names() => this switch
    {
        NameExpr n => [n],
        CallExpr c => c.Args.SelectMany(a => a.Names()),
        BinaryExpr b => b.Left.Names().Concat(b.Right.Names()),
        UnaryExpr u => u.Operand.Names(),
        ParenExpr p => p.Inner.Names(),
        _ => [],
    };

    /// <inheritdoc/>
    public override string ToString() => Deparse();
}

/// <summary>A column name (backquotes removed).</summary>
public sealed record NameExpr(string Name, int Start, int End) : Expr(Start, End)
{
    /// <inheritdoc/>
    public override string Deparse() => IsSyntactic(Name) ? Name : "`" + Name + "`";

    private static readonly HashSet<string> Reserved =
        ["if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE", "FALSE", "NULL",
         "Inf", "NaN", "NA", "in"];

    /// <summary>True when R can write <paramref name="name"/> without backquotes.</summary>
    public static bool IsSyntactic(string name)
    {
        if (name.Length == 0 || Reserved.Contains(name)) return false;
        char c = name[0];
        if (!(char.IsLetter(c) || c == '.')) return false;
        if (c == '.' && name.Length > 1 && char.IsDigit(name[1])) return false;
        return name.All(ch => char.IsLetterOrDigit(ch) || ch == '.' || ch == '_');
    }
}

/// <summary>A numeric literal.</summary>
public sealed record NumberExpr(double Value, int Start, int End) : Expr(Start, End)
{
    /// <inheritdoc/>
    public override string Deparse() => FormatR(Value);

    /// <summary>
    /// R's rendering of a number: up to 15 significant digits, fixed notation unless scientific is
    /// strictly narrower (so 1e5 → "1e+05", 10000 → "10000", 0.5 → "0.5").
    /// </summary>
    public static string FormatR(double v)
    {
        if (double.IsPositiveInfinity(v)) return "Inf";
        if (double.IsNegativeInfinity(v)) return "-Inf";
        if (v == 0) return "0";
        string sig = v.ToString("G15", CultureInfo.InvariantCulture);
        double r = double.Parse(sig, CultureInfo.InvariantCulture);
        string fixedText = r.ToString("0.###############", CultureInfo.InvariantCulture);
        if (Math.Abs(r) >= 1e15) fixedText = r.ToString("F0", CultureInfo.InvariantCulture);
        string mant = r.ToString("0.##############e+00", CultureInfo.InvariantCulture);
        return fixedText.Length > mant.Length ? mant : fixedText;
    }
}

/// <summary>A quoted string literal (only meaningful inside function arguments).</summary>
public sealed record StringExpr(string Value, int Start, int End) : Expr(Start, End)
{
    /// <inheritdoc/>
    public override string Deparse() => "\"" + Value + "\"";
}

/// <summary>A function call <c>f(a, b)</c>; <see cref="NameEnd"/> ends the function name.</summary>
public sealed record CallExpr(string Function, IReadOnlyList<Expr> Args, int NameEnd, int Start, int End) : Expr(Start, End)
{
    /// <inheritdoc/>
    public override string Deparse() => Function + "(" + string.Join(", ", Args.Select(a => a.Deparse())) + ")";
}

/// <summary>A binary operation. R writes <c>^ : / %op%</c> without spaces and the rest with spaces.</summary>
public sealed record BinaryExpr(string Op, Expr Left, Expr Right, int OpStart) : Expr(Left.Start, Right.End)
{
    /// <inheritdoc/>
    public override string Deparse() => Op is "^" or ":" or "/" || Op.StartsWith('%')
        ? Left.Deparse() + Op + Right.Deparse()
        : Left.Deparse() + " " + Op + " " + Right.Deparse();
}

/// <summary>A prefix operation: unary <c>-</c>, <c>+</c>, <c>!</c> or a one-sided <c>~</c>.</summary>
public sealed record UnaryExpr(string Op, Expr Operand, int Start) : Expr(Start, Operand.End)
{
    /// <inheritdoc/>
    public override string Deparse() => Op == "~" ? "~" + Operand.Deparse() : Op + Operand.Deparse();
}

/// <summary>A named argument of a call, <c>raw = TRUE</c> (only inside a call's parentheses).</summary>
public sealed record NamedArgExpr(string Name, Expr Value, int Start) : Expr(Start, Value.End)
{
    /// <inheritdoc/>
    public override string Deparse() =>
        Name + " = " + (Value is NameExpr { Name: "TRUE" or "FALSE" or "T" or "F" } b ? b.Name : Value.Deparse());
}

/// <summary>Explicit parentheses, kept because R keeps them when naming columns.</summary>
public sealed record ParenExpr(Expr Inner, int Start, int End) : Expr(Start, End)
{
    /// <inheritdoc/>
    public override string Deparse() => "(" + Inner.Deparse() + ")";
}
