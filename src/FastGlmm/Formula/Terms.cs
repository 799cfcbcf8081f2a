namespace FastGlmm.Formula;

/// <summary>
/// A variable of the formula: a column or an expression of columns such as <c>log(size)</c> or
/// <c>I(week &gt; 2)</c>. Two occurrences with the same R deparse are the same variable.
/// <see cref="Order"/> is its rank of first appearance, which fixes how R orders the factors of
/// an interaction's name.
/// </summary>
public sealed record Variable(string Label, Expr Expr, int Order)
{
    /// <summary>True when the variable is a bare column name.</summary>
    public bool IsColumn => Expr is NameExpr;

    /// <inheritdoc/>
    public override string ToString() => Label;
}

/// <summary>
/// A model term: the interaction of one or more variables, ordered by first appearance
/// (R's term label, e.g. <c>lbase:trt</c>). The empty term is the intercept and never appears here.
/// </summary>
public sealed class Term : IEquatable<Term>
{
    /// <summary>Creates a term from distinct variables (any order; they are sorted by <see cref="Variable.Order"/>).</summary>
    public Term(IEnumerable<Variable> variables)
    {
        Variables = variables.DistinctBy(v => v.Order).OrderBy(v => v.Order).ToArray();
        Label = string.Join(":", Variables.Select(v => v.Label));
    }

    /// <summary>The variables, in order of first appearance.</summary>
    public IReadOnlyList<Variable> Variables { get; }

    /// <summary>R's term label, e.g. <c>period:size</c>.</summary>
    public string Label { get; }

    /// <summary>The interaction order (number of variables).</summary>
    public int Degree => Variables.Count;

    /// <summary>True when every variable of this term is in <paramref name="other"/>.</summary>
    public bool IsSubsetOf(Term other) => Variables.All(v => other.Variables.Any(w => w.Order == v.Order));

    /// <summary>This term without <paramref name="v"/> (null when that leaves the empty term).</summary>
    public Term? Without(Variable v) => Degree == 1 ? null : new Term(Variables.Where(w => w.Order != v.Order));

    /// <inheritdoc/>
    public bool Equals(Term? other) => other is not null && Label == other.Label;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Term);

    /// <inheritdoc/>
    public override int GetHashCode() => Label.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => Label;
}

/// <summary>
/// The right-hand side of a linear predictor: an intercept flag and terms in R's order
/// (by degree, then by first appearance), as <c>terms.formula</c> builds them.
/// </summary>
public sealed record TermList(bool HasIntercept, IReadOnlyList<Term> Terms)
{
    /// <summary>R's rendering, e.g. <c>1 + x</c> or <c>0 + x</c>.</summary>
    public override string ToString()
    {
        var parts = Terms.Select(t => t.Label).ToList();
        parts.Insert(0, HasIntercept ? "1" : "0");
        return string.Join(" + ", parts);
    }
}

/// <summary>
/// The covariance structure of one random-effects term's q columns, in glmmTMB's (and lme4 2.x's) syntax:
/// unstructured <c>(lhs | g)</c> or <c>us(lhs | g)</c>, q(q+1)/2 parameters; <c>diag(lhs | g)</c>, q SDs and no
/// correlation; <c>cs(lhs | g)</c>, heterogeneous compound symmetry, q SDs and one correlation ρ shared by every pair;
/// <c>ar1(0 + time | g)</c>, one SD and Corr(b_i, b_j) = ρ^|i−j| over the levels of a time factor.
/// </summary>
public enum CovarianceKind
{
    /// <summary>Any positive semi-definite covariance (lme4's default).</summary>
    Unstructured,
    /// <summary>Independent columns, each with its own SD.</summary>
    Diagonal,
    /// <summary>Each column its own SD; one correlation between every pair.</summary>
    CompoundSymmetry,
    /// <summary>One SD; correlation ρ^|i−j| between columns i and j (the levels of a time factor).</summary>
    Ar1,
}

/// <summary>
/// One random-effects term <c>(lhs | group)</c> after lme4's expansions: <c>(x || g)</c> becomes one
/// term per column group (<see cref="Uncorrelated"/>), and <c>(1 | a/b)</c> becomes <c>(1 | a)</c> and
/// <c>(1 | a:b)</c>. The grouping factor is the interaction of <see cref="Grouping"/>; <see cref="Covariance"/> is the
/// structure a wrapper such as <c>cs(…)</c> gave it.
/// </summary>
public sealed record RandomTerm(TermList Lhs, IReadOnlyList<NameExpr> Grouping, bool Uncorrelated, int Start, int End,
    CovarianceKind Covariance = CovarianceKind.Unstructured)
{
    /// <summary>The grouping factor's name as lme4 prints it, e.g. <c>herd</c> or <c>plate:sample</c>.</summary>
    public string GroupLabel => string.Join(":", Grouping.Select(g => g.Deparse()));

    /// <summary>The structure's name in formulas: us, diag, cs or ar1.</summary>
    public string CovarianceName => Covariance switch
    {
        CovarianceKind.Diagonal => "diag",
        CovarianceKind.CompoundSymmetry => "cs",
        CovarianceKind.Ar1 => "ar1",
        _ => "us",
    };

    /// <summary>The term as lme4 writes it, e.g. <c>(1 + Days | Subject)</c> or <c>cs(1 + Days | Subject)</c>.</summary>
    public override string ToString() =>
        Covariance == CovarianceKind.Unstructured ? $"({Lhs} | {GroupLabel})" : $"{CovarianceName}({Lhs} | {GroupLabel})";
}

/// <summary>
/// A parsed lme4 formula: the response expression, the fixed-effects terms, offsets and the
/// random-effects terms. Produced by <see cref="ModelFormula.Parse"/>; holds no data.
/// </summary>
public sealed record ModelFormula(
    string Text,
    Expr? Response,
    TermList Fixed,
    IReadOnlyList<Expr> Offsets,
    IReadOnlyList<RandomTerm> RandomTerms)
{
    /// <summary>
    /// Parses lme4 formula syntax, e.g. <c>cbind(incidence, size - incidence) ~ period + (1 | herd)</c>.
    /// Throws <see cref="FormulaException"/> naming the position of any problem.
    /// </summary>
    public static ModelFormula Parse(string text) => TermExpander.Build(text);

    /// <summary>The fixed-effects part as R's term labels (without the intercept).</summary>
    public IEnumerable<string> FixedTermLabels => Fixed.Terms.Select(t => t.Label);

    /// <summary>Every column name the formula refers to (response, terms, offsets, random terms and grouping factors), once each.</summary>
    public IReadOnlySet<string> ColumnNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Add(Expr e) { foreach (var n in e.Names()) names.Add(n.Name); }
        if (Response is { } r) Add(r);
        foreach (var v in Fixed.Terms.SelectMany(t => t.Variables)) Add(v.Expr);
        foreach (var o in Offsets) Add(o);
        foreach (var rt in RandomTerms)
        {
            foreach (var v in rt.Lhs.Terms.SelectMany(t => t.Variables)) Add(v.Expr);
            foreach (var g in rt.Grouping) Add(g);
        }
        return names;
    }
}
