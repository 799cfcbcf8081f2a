using FastGlmm.Formula;

namespace FastGlmm.Data.Frame;

/// <summary>
/// Evaluates formula expressions over the rows of a <see cref="DataTable"/>: column look-up,
/// arithmetic, comparisons, the math functions, <c>I()</c> and <c>factor()</c>. NA propagates;
/// a NaN or infinity produced from non-missing inputs is an error naming the row.
/// </summary>
internal sealed class ExprEvaluator(DataTable data, string formula)
{
    private readonly Dictionary<string, VariableValue> _cache = new(StringComparer.Ordinal);

    public VariableValue Evaluate(Expr e)
    {
        string key = e.Deparse();
        if (_cache.TryGetValue(key, out var v)) return v;
        v = EvaluateCore(e);
        if (v.Kind == ColumnKind.Numeric && e is not NameExpr) CheckFinite(e, v.Numeric!);
        _cache[key] = v;
        return v;
    }

    /// <summary>The column a name refers to, or a formula error with the closest names.</summary>
    public Column Lookup(NameExpr n)
    {
        if (data.TryGetColumn(n.Name, out var c)) return c;
        var near = NameSuggester.Closest(n.Name, data.ColumnNames);
        string hint = near.Count > 0 ? $"; did you mean {string.Join(" or ", near.Select(s => $"'{UserText.Clip(s)}'"))}?" : "";
        throw new FormulaException(formula, n.Start, n.End, $"unknown column '{UserText.Clip(n.Name)}' in {data.Source}{hint}");
    }

    /// <summary>Columns read directly (not through an expression) must not hold ±Inf; the error names the row and column.</summary>
    public void CheckColumnsFinite(IEnumerable<NameExpr> names)
    {
        foreach (var n in names.DistinctBy(n => n.Name))
            if (Lookup(n) is NumericColumn c)
                for (int i = 0; i < c.Length; i++)
                    if (double.IsInfinity(c.Values[i]))
                        throw new UserInputException($"{data.Source}, row {i + 1}, column '{UserText.Clip(c.Name)}': value is infinite");
    }

    private VariableValue EvaluateCore(Expr e)
    {
        switch (e)
        {
            case NameExpr n:
                return FromColumn(Lookup(n));
            case NumberExpr num:
                return VariableValue.FromNumeric(Filled(num.Value));
            case ParenExpr p:
                return Evaluate(p.Inner);
            case CallExpr { Function: "I" } c:
                return Evaluate(c.Args[0]);
            case CallExpr { Function: "factor" } c:
            {
                var f = FactorColumn.From(Lookup((NameExpr)c.Args[0]));
                return VariableValue.FromFactor(f.Codes.ToArray(), f.Levels.ToArray());
            }
            case CallExpr { Function: "offset" or "poly" or "scale" or "ns" or "bs" } c:
                // poly, scale, ns and bs: the argument's values; their columns are planned on the model's rows (NumericTransform).
                return VariableValue.FromNumeric(Numeric(c.Args[0]));
            case CallExpr { Function: "round" } c:
            {
                var x = Numeric(c.Args[0]);
                int digits = c.Args.Count > 1 ? (int)(c.Args[1] is NamedArgExpr na ? ((NumberExpr)na.Value).Value : ((NumberExpr)c.Args[1]).Value) : 0;
                return VariableValue.FromNumeric(Map(x, v => RoundHalfEven(v, digits)));
            }
            case CallExpr { Function: "as.numeric" } c:
                return VariableValue.FromNumeric(AsNumber(c));
            case CallExpr c:
                return VariableValue.FromNumeric(Map(Numeric(c.Args[0]), MathFunction(c.Function)));
            case UnaryExpr { Op: "-" } u:
                return VariableValue.FromNumeric(Map(Numeric(u.Operand), x => -x));
            case UnaryExpr { Op: "+" } u:
                return VariableValue.FromNumeric(Numeric(u.Operand));
            case UnaryExpr { Op: "!" } u:
                return VariableValue.FromLogical(MapLogical(Logical(u.Operand), x => !x));
            case BinaryExpr b:
                return EvaluateBinary(b);
            default:
                throw new FormulaException(formula, e.Start, e.End, $"cannot evaluate '{e.Deparse()}'");
        }
    }

    private VariableValue EvaluateBinary(BinaryExpr b)
    {
        if (b.Op is "&" or "&&" or "|" or "||")
        {
            var l = Logical(b.Left);
            var r = Logical(b.Right);
            bool and = b.Op.StartsWith('&');
            var res = new sbyte[l.Length];
            for (int i = 0; i < res.Length; i++)
                res[i] = l[i] < 0 || r[i] < 0 ? (sbyte)-1 : (sbyte)((and ? l[i] == 1 && r[i] == 1 : l[i] == 1 || r[i] == 1) ? 1 : 0);
            return VariableValue.FromLogical(res);
        }
        var x = Numeric(b.Left);
        var y = Numeric(b.Right);
        Func<double, double, bool>? cmp = b.Op switch
        {
            "==" => (p, q) => p == q, "!=" => (p, q) => p != q,
            "<" => (p, q) => p < q, ">" => (p, q) => p > q,
            "<=" => (p, q) => p <= q, ">=" => (p, q) => p >= q,
            _ => null,
        };
        if (cmp is not null)
        {
            var res = new sbyte[x.Length];
            for (int i = 0; i < res.Length; i++)
                res[i] = double.IsNaN(x[i]) || double.IsNaN(y[i]) ? (sbyte)-1 : (sbyte)(cmp(x[i], y[i]) ? 1 : 0);
            return VariableValue.FromLogical(res);
        }
        Func<double, double, double> op = b.Op switch
        {
            "+" => (p, q) => p + q, "-" => (p, q) => p - q,
            "*" => (p, q) => p * q, "/" => (p, q) => p / q,
            "^" => Math.Pow, "%%" => (p, q) => p - Math.Floor(p / q) * q,
            _ => throw new FormulaException(formula, b.OpStart, b.OpStart + b.Op.Length, $"operator '{b.Op}' cannot be evaluated"),
        };
        var r2 = new double[x.Length];
        for (int i = 0; i < r2.Length; i++)
            r2[i] = double.IsNaN(x[i]) || double.IsNaN(y[i]) ? double.NaN : op(x[i], y[i]);
        return VariableValue.FromNumeric(r2);
    }

    /// <summary>R's round(x, digits): half to even (IEC 60559), digits may be negative.</summary>
    private static double RoundHalfEven(double x, int digits)
    {
        if (!double.IsFinite(x)) return x;
        if (digits > 15) return x;
        if (digits >= 0) return Math.Round(x, digits, MidpointRounding.ToEven);
        double p = Math.Pow(10, -digits);
        return Math.Round(x / p, MidpointRounding.ToEven) * p;
    }

    /// <summary>
    /// R's as.numeric(x): a number as it is, a logical as 0/1, a factor (levels given by a levels file, a built-in data
    /// set's factor, or factor()) as its codes 1..K; a text column read from a file (R's character vector) as the numbers
    /// its labels spell, and an error naming the first row whose label is not a number (R would give NA).
    /// </summary>
    private double[] AsNumber(CallExpr c)
    {
        var arg = c.Args[0];
        var v = Evaluate(arg);
        if (v.Kind != ColumnKind.Factor) return v.AsNumeric()!;
        var (codes, levels) = v.AsFactor();
        bool declared = arg is not NameExpr n || !data.TryGetColumn(n.Name, out var col) || col is not FactorColumn { DeclaredLevels: false };
        var values = new double[levels.Length];
        for (int k = 0; k < levels.Length; k++)
        {
            if (declared) { values[k] = k + 1; continue; }
            if (!double.TryParse(levels[k], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[k]))
            {
                int row = Array.IndexOf(codes, k);
                throw new UserInputException($"{data.Source}, row {row + 1}: as.numeric({arg.Deparse()}): '{UserText.Clip(levels[k])}' is not a number (R would give NA); " +
                    "declare the column's levels (--levels, --levels-file) to use a factor's codes 1..K");
            }
        }
        var r = new double[codes.Length];
        for (int i = 0; i < r.Length; i++) r[i] = codes[i] < 0 ? double.NaN : values[codes[i]];
        return r;
    }

    private static Func<double, double> MathFunction(string name) => name switch
    {
        "log" => Math.Log, "log10" => Math.Log10, "log2" => Math.Log2, "log1p" => double.LogP1,
        "exp" => Math.Exp, "expm1" => double.ExpM1, "sqrt" => Math.Sqrt, "abs" => Math.Abs,
        _ => throw new InvalidOperationException($"no math function {name}"),
    };

    /// <summary>Evaluates <paramref name="e"/> as numbers; a factor is an error naming it.</summary>
    public double[] Numeric(Expr e)
    {
        var v = Evaluate(e);
        return v.AsNumeric() ?? throw new FormulaException(formula, e.Start, e.End,
            $"'{e.Deparse()}' is a factor; arithmetic needs a numeric column{TextHint(e)}");
    }

    /// <summary>
    /// For a text column whose labels are mostly numbers, the first row holding a non-number:
    /// usually a typo that made the whole column a factor.
    /// </summary>
    public string TextHint(Expr e)
    {
        if (e is not NameExpr n || !data.TryGetColumn(n.Name, out var c) || c is not FactorColumn { DeclaredLevels: false } f) return "";
        var numeric = f.Levels.Select(l => double.TryParse(l, System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out _)).ToArray();
        if (numeric.All(x => x) || numeric.Count(x => x) * 2 <= numeric.Length) return "";
        for (int i = 0; i < f.Length; i++)
            if (f.Codes[i] >= 0 && !numeric[f.Codes[i]])
                return $" (column '{f.Name}' holds the non-numeric value '{UserText.Clip(f.Levels[f.Codes[i]])}' at row {i + 1} of {data.Source}, so it was read as text)";
        return "";
    }

    private sbyte[] Logical(Expr e)
    {
        var v = Evaluate(e);
        if (v.Logical is not null) return v.Logical;
        var x = Numeric(e);
        var r = new sbyte[x.Length];
        for (int i = 0; i < r.Length; i++) r[i] = double.IsNaN(x[i]) ? (sbyte)-1 : (sbyte)(x[i] != 0 ? 1 : 0);
        return r;
    }

    private static VariableValue FromColumn(Column c) => c switch
    {
        // Shared, not copied: a variable's arrays are only read (subsets and derived values are new arrays).
        NumericColumn n => VariableValue.FromNumeric(n.ValuesArray),
        LogicalColumn l => VariableValue.FromLogical(l.Values.ToArray()),
        FactorColumn f => VariableValue.FromFactor(f.CodesArray, f.Levels.ToArray()),
        _ => throw new InvalidOperationException("unknown column type"),
    };

    private double[] Filled(double value)
    {
        var a = new double[data.RowCount];
        Array.Fill(a, value);
        return a;
    }

    private static double[] Map(double[] x, Func<double, double> f)
    {
        var r = new double[x.Length];
        for (int i = 0; i < r.Length; i++) r[i] = double.IsNaN(x[i]) ? double.NaN : f(x[i]);
        return r;
    }

    private static sbyte[] MapLogical(sbyte[] x, Func<bool, bool> f)
    {
        var r = new sbyte[x.Length];
        for (int i = 0; i < r.Length; i++) r[i] = x[i] < 0 ? (sbyte)-1 : (sbyte)(f(x[i] == 1) ? 1 : 0);
        return r;
    }

    /// <summary>Errors when a computed value is NaN or infinite although its inputs are present.</summary>
    private void CheckFinite(Expr e, double[] v)
    {
        var inputs = e.Names().Select(n => Lookup(n)).DistinctBy(c => c.Name).ToArray();
        for (int i = 0; i < v.Length; i++)
        {
            if (double.IsFinite(v[i])) continue;
            if (inputs.Any(c => c.IsMissing(i))) continue;
            string at = string.Join(", ", inputs.Select(c => $"{c.Name} = {c.Format(i)}"));
            throw new FormulaException(formula, e.Start, e.End,
                $"'{e.Deparse()}' is {(double.IsNaN(v[i]) ? "NaN" : "infinite")} at row {i + 1} of {data.Source} ({at})");
        }
    }
}
