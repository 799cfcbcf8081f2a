namespace FastGlmm.Formula;

/// <summary>
/// Turns a parsed formula into terms with R's <c>terms.formula</c> algebra
/// (<c>+ - : * / %in% ^</c>, <c>0</c>/<c>1</c> intercept control) and lme4's random-effects
/// expansions (<c>||</c> and nested grouping <c>a/b</c>).
/// </summary>
internal sealed class TermExpander
{
    private readonly string _text;
    private readonly Dictionary<string, Variable> _variables = new(StringComparer.Ordinal);
    private readonly List<Expr> _offsets = [];
    private readonly List<RandomTerm> _random = [];
    private bool _intercept;

    private TermExpander(string text) => _text = text;

    public static ModelFormula Build(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var root = Parser.Parse(text);
        var x = new TermExpander(text);
        Expr? response;
        Expr rhs;
        switch (root)
        {
            case BinaryExpr { Op: "~" } b:
                response = b.Left; rhs = b.Right; break;
            case UnaryExpr { Op: "~" } u:
                response = null; rhs = u.Operand; break;
            default:
                throw new FormulaException(text, 0, text.Length, "a formula needs '~' between the response and the terms");
        }
        if (response is not null)
        {
            x.CheckValue(response, allowCbind: true);
            x.Register(response);
        }
        x._intercept = true;
        var terms = x.Encode(rhs, topLevel: true);
        var fixedTerms = new TermList(x._intercept, SortByDegree(terms));
        return new ModelFormula(text, response, fixedTerms, x._offsets, x._random);
    }

    private static List<Term> SortByDegree(List<Term> terms) => terms.OrderBy(t => t.Degree).ToList(); // stable

    private Variable Register(Expr e)
    {
        string label = e.Deparse();
        if (!_variables.TryGetValue(label, out var v))
            _variables[label] = v = new Variable(label, e, _variables.Count);
        return v;
    }

    private FormulaException Error(Expr e, string problem) => new(_text, e.Start, e.End, problem);

    private List<Term> Encode(Expr e, bool topLevel)
    {
        switch (e)
        {
            case NumberExpr { Value: 1 }:
                _intercept = true; return [];
            case NumberExpr { Value: 0 }:
                _intercept = false; return [];
            case NumberExpr n:
                throw Error(n, $"the number {n.Deparse()} is not a term (only 0 and 1 control the intercept)");
            case NameExpr { Name: "." } dot:
                throw Error(dot, "'.' (all other columns) is not supported; list the columns");
            case NameExpr name:
                return [new Term([Register(name)])];
            case ParenExpr { Inner: BinaryExpr { Op: "|" or "||" } bar } p:
                if (!topLevel) throw Error(p, "a random-effects term (… | group) can only be added to the formula with '+'");
                AddRandom(bar, p.Start, p.End);
                return [];
            case ParenExpr p:
                return Encode(p.Inner, topLevel);
            case UnaryExpr { Op: "+" } u:
                return Encode(u.Operand, topLevel);
            case UnaryExpr { Op: "-" } u:
                if (u.Operand is NumberExpr { Value: 1 }) _intercept = false;
                else if (u.Operand is NumberExpr { Value: 0 }) _intercept = true;
                else Encode(u.Operand, false);
                return [];
            case BinaryExpr b:
                return EncodeBinary(b, topLevel);
            case CallExpr c:
                return EncodeCall(c, topLevel);
            case StringExpr s:
                throw Error(s, "a string is not a term");
            default:
                throw Error(e, $"'{e.Deparse()}' is not a term");
        }
    }

    private List<Term> EncodeBinary(BinaryExpr b, bool topLevel)
    {
        switch (b.Op)
        {
            case "+":
                return Union(Encode(b.Left, topLevel), Encode(b.Right, topLevel));
            case "-":
            {
                var left = Encode(b.Left, topLevel);
                if (b.Right is NumberExpr { Value: 1 }) { _intercept = false; return left; }
                if (b.Right is NumberExpr { Value: 0 }) { _intercept = true; return left; }
                bool keep = _intercept;
                var drop = Encode(b.Right, false);
                _intercept = keep;
                return left.Where(t => !drop.Contains(t)).ToList();
            }
            case ":":
                return Interact(Encode(b.Left, false), Encode(b.Right, false));
            case "*":
            {
                var l = Encode(b.Left, false);
                var r = Encode(b.Right, false);
                return Union(Union(l, r), Interact(l, r));
            }
            case "/":
            {
                var l = Encode(b.Left, false);
                var r = Encode(b.Right, false);
                var all = new Term(l.SelectMany(t => t.Variables));
                return Union(l, l.Count == 0 ? r : Interact([all], r));
            }
            case "%in%":
            {
                var l = Encode(b.Left, false);
                var r = Encode(b.Right, false);
                return r.Count == 0 ? l : Interact(l, [new Term(r.SelectMany(t => t.Variables))]);
            }
            case "^":
            {
                if (b.Right is not NumberExpr { Value: >= 1 } n || n.Value != Math.Floor(n.Value))
                    throw Error(b.Right, "the power of a term group must be a positive whole number, as in (a + b + c)^2");
                var basis = Encode(b.Left, false);
                var result = basis;
                // Powers beyond the number of variables add no terms (a:a = a), so at most that many rounds.
                double rounds = Math.Min(n.Value, basis.SelectMany(t => t.Variables).Select(v => v.Order).Distinct().Count());
                for (int i = 1; i < rounds; i++) result = Union(result, Interact(result, basis));
                return result;
            }
            case "|" or "||":
                // '|' binds loosest, so a bar reached at the top level is the whole right-hand side, as in
                // y ~ 1 | g or y ~ x + 1 | g; lme4 reads it as one random-effects term and no fixed effects but the
                // intercept.
                if (!topLevel) throw Error(b, "a random-effects term (… | group) can only be added to the formula with '+'");
                AddRandom(b, b.Start, b.End);
                return [];
            case "~":
                throw Error(b, "a formula may contain only one '~'");
            default:
                throw Error(b, $"'{b.Op}' is not a formula operator here; wrap arithmetic and comparisons in I(), e.g. I({b.Deparse()})");
        }
    }

    private List<Term> EncodeCall(CallExpr c, bool topLevel)
    {
        switch (c.Function)
        {
            case "offset":
                if (!topLevel) throw Error(c, "offset() must be added to the formula with '+'");
                RequireArgs(c, 1);
                CheckValue(c.Args[0], allowCbind: false);
                _offsets.Add(c);
                return [];
            case "factor":
                RequireArgs(c, 1);
                if (c.Args[0] is not NameExpr)
                    throw Error(c.Args[0], "factor() takes a column name");
                return [new Term([Register(c)])];
            case "cbind":
                throw Error(c, "cbind() is only allowed as the response (left of '~')");
            case "poly":
                CheckPoly(c);
                return [new Term([Register(c)])];
            case "scale":
                RequireArgs(c, 1);
                CheckValue(c.Args[0], allowCbind: false);
                return [new Term([Register(c)])];
            case "ns" or "bs":
                CheckSpline(c);
                return [new Term([Register(c)])];
            case "us" or "diag" or "cs" or "ar1":
                AddStructured(c, topLevel);
                return [];
            default:
                CheckValue(c, allowCbind: false);
                return [new Term([Register(c)])];
        }
    }

    /// <summary>poly(x, degree) or poly(x, degree, raw = TRUE|FALSE): x an expression, degree a whole number ≥ 1.</summary>
    private void CheckPoly(CallExpr c)
    {
        if (c.Args.Count is < 1 or > 3 || c.Args[0] is NamedArgExpr)
            throw Error(c, "poly() takes a variable, a degree and optionally raw = TRUE: poly(x, 2) or poly(x, 2, raw = TRUE)");
        CheckValue(c.Args[0], allowCbind: false);
        foreach (var a in c.Args.Skip(1))
            switch (a)
            {
                case NumberExpr { Value: >= 1 and <= 25 } d when d.Value == Math.Floor(d.Value) && ReferenceEquals(a, c.Args[1]):
                    break;
                case NamedArgExpr { Name: "degree", Value: NumberExpr { Value: >= 1 and <= 25 } d } when d.Value == Math.Floor(d.Value):
                    break;
                case NamedArgExpr { Name: "raw", Value: NameExpr { Name: "TRUE" or "FALSE" or "T" or "F" } }:
                    break;
                case NamedArgExpr { Name: "raw" } r:
                    throw Error(r, "raw = takes TRUE or FALSE");
                case NamedArgExpr n when n.Name != "degree":
                    throw Error(n, $"poly() has no argument '{n.Name}' here (it takes degree and raw)");
                default:
                    throw Error(a, "the degree of poly() must be a whole number from 1 to 25");
            }
    }

    /// <summary>ns(x, df [, intercept = TRUE]) or bs(x, df [, degree = d] [, intercept = TRUE]): df and degree whole numbers.</summary>
    private void CheckSpline(CallExpr c)
    {
        bool bs = c.Function == "bs";
        string usage = bs ? "bs() takes a variable and df, and optionally degree = d and intercept = TRUE: bs(x, df = 5) or bs(x, 4, degree = 2)"
            : "ns() takes a variable and df, and optionally intercept = TRUE: ns(x, df = 3) or ns(x, 3)";
        if (c.Args.Count < 2 || c.Args[0] is NamedArgExpr) throw Error(c, usage);
        CheckValue(c.Args[0], allowCbind: false);
        bool hasDf = false;
        static bool Whole(Expr e, double max) => e is NumberExpr { Value: >= 1 } n && n.Value <= max && n.Value == Math.Floor(n.Value);
        foreach (var a in c.Args.Skip(1))
            switch (a)
            {
                case NumberExpr when ReferenceEquals(a, c.Args[1]) && Whole(a, 50): hasDf = true; break;
                case NamedArgExpr { Name: "df" } d when Whole(d.Value, 50): hasDf = true; break;
                case NamedArgExpr { Name: "degree" } d when bs && Whole(d.Value, 10): break;
                case NamedArgExpr { Name: "intercept", Value: NameExpr { Name: "TRUE" or "FALSE" or "T" or "F" } }: break;
                case NamedArgExpr { Name: "degree" } n when !bs:
                    throw Error(n, "ns() has no argument 'degree' here (natural splines are cubic; it takes df and intercept)");
                case NamedArgExpr { Name: "knots" or "Boundary.knots" } k:
                    throw Error(k, $"{c.Function}(): {k.Name} = is not supported; give df, and the knots are placed at quantiles as R places them");
                case NamedArgExpr { Name: "df" or "degree" } d:
                    throw Error(d, $"{c.Function}(): {d.Name} must be a whole number (df 1 to 50, degree 1 to 10)");
                case NamedArgExpr n:
                    throw Error(n, $"{c.Function}() has no argument '{n.Name}' here ({(bs ? "it takes df, degree and intercept" : "it takes df and intercept")})");
                default:
                    throw Error(a, usage);
            }
        if (!hasDf) throw Error(c, usage);
    }

    private void RequireArgs(CallExpr c, int n)
    {
        if (c.Args.Count != n)
            throw new FormulaException(_text, c.Start, c.End, $"{c.Function}() takes {n} argument{(n == 1 ? "" : "s")}, got {c.Args.Count}");
    }

    /// <summary>Checks an expression that is evaluated as arithmetic (a response or a function argument).</summary>
    private void CheckValue(Expr e, bool allowCbind)
    {
        switch (e)
        {
            case NameExpr { Name: "." } dot:
                throw Error(dot, "'.' is not supported");
            case NameExpr or NumberExpr:
                return;
            case StringExpr s:
                throw Error(s, "strings are not supported in formulas");
            case ParenExpr p:
                CheckValue(p.Inner, false); return;
            case UnaryExpr { Op: "-" or "+" or "!" } u:
                CheckValue(u.Operand, false); return;
            case BinaryExpr { Op: ":" } b:
                throw Error(b, "':' inside an expression is R's sequence operator; FastGlmm does not evaluate it");
            case BinaryExpr { Op: "~" } b:
                throw Error(b, "a formula may contain only one '~'");
            case BinaryExpr { Op: "|" or "||" } b when allowCbind:
                throw Error(b, "a random-effects term cannot be the response");
            case BinaryExpr b when b.Op.StartsWith('%') && b.Op != "%%":
                throw Error(b, $"operator {b.Op} is not supported");
            case BinaryExpr b:
                CheckValue(b.Left, false); CheckValue(b.Right, false); return;
            case CallExpr { Function: "cbind" } c when allowCbind:
                RequireArgs(c, 2);
                CheckValue(c.Args[0], false); CheckValue(c.Args[1], false);
                return;
            case CallExpr { Function: "round" } c:
                if (c.Args.Count is < 1 or > 2 || c.Args[0] is NamedArgExpr)
                    throw Error(c, "round() takes a value and optionally digits: round(x) or round(x, 1)");
                CheckValue(c.Args[0], false);
                if (c.Args.Count == 2 && c.Args[1] is not (NumberExpr { Value: >= -15 and <= 15 } or NamedArgExpr { Name: "digits", Value: NumberExpr { Value: >= -15 and <= 15 } })
                    || c.Args.Count == 2 && (c.Args[1] is NumberExpr d1 && d1.Value != Math.Floor(d1.Value) || c.Args[1] is NamedArgExpr { Value: NumberExpr d2 } && d2.Value != Math.Floor(d2.Value)))
                    throw Error(c.Args[1], "round(): digits must be a whole number from -15 to 15");
                return;
            case CallExpr { Function: "as.numeric" } c:
                RequireArgs(c, 1);
                CheckValue(c.Args[0], false);
                return;
            case CallExpr c when c.Function == "I" || FunctionTable.Math.Contains(c.Function):
                RequireArgs(c, 1);
                CheckValue(c.Args[0], false);
                return;
            case NamedArgExpr a:
                throw Error(a, $"a named argument ({a.Name} = …) is accepted only by poly(), ns(), bs() and round()");
            case CallExpr c:
                throw new FormulaException(_text, c.Start, c.NameEnd,
                    c.Function is "offset" or "factor" or "cbind" or "poly" or "scale" or "ns" or "bs" or "us" or "diag" or "cs" or "ar1"
                        ? $"{c.Function}() cannot be used inside an expression"
                        : $"unknown function '{c.Function}' (supported: {FunctionTable.Supported})");
            default:
                throw Error(e, $"cannot evaluate '{e.Deparse()}'");
        }
    }

    /// <summary>glmmTMB's <c>us(lhs | g)</c>, <c>diag(…)</c>, <c>cs(…)</c> and <c>ar1(…)</c>: one bar term with that structure.</summary>
    private void AddStructured(CallExpr c, bool topLevel)
    {
        if (!topLevel) throw Error(c, $"a random-effects term {c.Function}(… | group) can only be added to the formula with '+'");
        if (c.Args.Count != 1 || c.Args[0] is not BinaryExpr { Op: "|" } bar)
            throw Error(c, c.Args.Count == 1 && c.Args[0] is BinaryExpr { Op: "||" }
                ? $"{c.Function}() takes one term with a single bar, as {c.Function}(1 + x | g); '||' already means uncorrelated"
                : $"{c.Function}() takes one random-effects term, as {c.Function}(1 + x | g)");
        var kind = c.Function switch
        {
            "diag" => CovarianceKind.Diagonal,
            "cs" => CovarianceKind.CompoundSymmetry,
            "ar1" => CovarianceKind.Ar1,
            _ => CovarianceKind.Unstructured,
        };
        AddRandom(bar, c.Start, c.End, kind);
    }

    private void AddRandom(BinaryExpr bar, int start, int end, CovarianceKind kind = CovarianceKind.Unstructured)
    {
        bool saved = _intercept;
        _intercept = true;
        var terms = SortByDegree(Encode(bar.Left, false));
        bool intercept = _intercept;
        _intercept = saved;
        if (!intercept && terms.Count == 0)
            throw Error(bar.Left, "this random-effects term has no columns");
        var groups = ExpandGrouping(bar.Right);
        bool uncorrelated = bar.Op == "||";
        var lhsParts = new List<TermList>();
        if (!uncorrelated) lhsParts.Add(new TermList(intercept, terms));
        else
        {
            if (intercept) lhsParts.Add(new TermList(true, []));
            lhsParts.AddRange(terms.Select(t => new TermList(false, [t])));
        }
        foreach (var g in groups)
            foreach (var lhs in lhsParts)
                _random.Add(new RandomTerm(lhs, g, uncorrelated && lhsParts.Count > 1, start, end, kind));
    }

    private List<List<NameExpr>> ExpandGrouping(Expr e)
    {
        switch (e)
        {
            case NameExpr n when n.Name != ".":
                return [[n]];
            case ParenExpr p:
                return ExpandGrouping(p.Inner);
            case BinaryExpr { Op: ":" } b:
            {
                var l = ExpandGrouping(b.Left);
                var r = ExpandGrouping(b.Right);
                return l.SelectMany(x => r.Select(y => DistinctNames(x.Concat(y)))).ToList();
            }
            case BinaryExpr { Op: "/" } b:
            {
                var l = ExpandGrouping(b.Left);
                var r = ExpandGrouping(b.Right);
                // lme4 writes the nested factor first: (1 | herd/period) gives period:herd, then herd.
                var deepest = l[0];
                return r.Select(y => DistinctNames(y.Concat(deepest))).Concat(l).ToList();
            }
            default:
                throw Error(e, "a grouping factor must be a column or an interaction of columns (g, g1:g2, g1/g2)");
        }
    }

    private static List<NameExpr> DistinctNames(IEnumerable<NameExpr> names) =>
        names.DistinctBy(n => n.Name, StringComparer.Ordinal).ToList();

    private static List<Term> Union(List<Term> a, List<Term> b)
    {
        var result = new List<Term>(a);
        foreach (var t in b) if (!result.Contains(t)) result.Add(t);
        return result;
    }

    private static List<Term> Interact(List<Term> a, List<Term> b)
    {
        var result = new List<Term>();
        foreach (var l in a)
            foreach (var r in b)
            {
                var t = new Term(l.Variables.Concat(r.Variables));
                if (!result.Contains(t)) result.Add(t);
            }
        return result;
    }
}
