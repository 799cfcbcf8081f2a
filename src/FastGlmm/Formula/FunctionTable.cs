namespace FastGlmm.Formula;

/// <summary>The functions FastGlmm evaluates inside formulas, and their arity.</summary>
public static class FunctionTable
{
    /// <summary>Elementwise math functions of one numeric argument.</summary>
    public static readonly IReadOnlySet<string> Math =
        new HashSet<string>(StringComparer.Ordinal) { "log", "log10", "log2", "log1p", "exp", "expm1", "sqrt", "abs" };

    /// <summary>
    /// Every function name accepted somewhere in a formula: the math functions, <c>I</c> (evaluate as
    /// arithmetic), <c>offset</c> (a known term with coefficient 1), <c>factor</c> (treat a column as
    /// categorical), <c>cbind</c> (a binomial response of successes and failures), <c>poly</c>, <c>scale</c>, <c>ns</c> and
    /// <c>bs</c> (terms whose columns depend on the model's rows), <c>round</c> (with optional digits) and <c>as.numeric</c>
    /// (a factor's codes 1..K, a logical's 0/1), and the covariance structures of a random-effects term <c>us</c>, <c>diag</c>,
    /// <c>cs</c> and <c>ar1</c> (glmmTMB's syntax).
    /// </summary>
    public static IEnumerable<string> All => new[] { "I", "offset", "factor", "cbind", "poly", "scale", "ns", "bs", "round", "as.numeric", "us", "diag", "cs", "ar1" }.Concat(Math.Order(StringComparer.Ordinal));

    internal static string Supported => string.Join(", ", All);
}
