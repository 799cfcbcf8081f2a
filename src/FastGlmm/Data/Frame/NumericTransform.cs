using FastGlmm.Formula;

namespace FastGlmm.Data.Frame;

/// <summary>
/// A numeric variable whose columns depend on the model's rows, as R's <c>makepredictcall</c> fixes them: planned once
/// from the rows the model is fitted to (<see cref="Plan"/>), then applied unchanged to any rows, new data included.
/// </summary>
internal abstract record NumericTransform
{
    /// <summary>What R pastes after the variable's label to name each column ("" for a single column).</summary>
    public abstract string[] Suffixes { get; }

    /// <summary>The columns at values <paramref name="x"/> (one array per suffix, each of x's length).</summary>
    public abstract double[][] Apply(double[] x);

    /// <summary>The suffixes "1", "2", …, "<paramref name="count"/>" R gives a matrix term's columns.</summary>
    protected static string[] Numbered(int count) =>
        Enumerable.Range(1, count).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>
    /// The transform of a variable written poly(x, d), poly(x, d, raw = TRUE), scale(x), ns(x, df) or bs(x, df, degree),
    /// planned from the model's values <paramref name="x"/>; null for any other variable.
    /// </summary>
    /// <exception cref="FormulaException">poly's degree is not below the number of distinct values, or scale(x) has no spread.</exception>
    public static NumericTransform? Plan(Variable v, double[] x, string formula)
    {
        switch (v.Expr)
        {
            case CallExpr { Function: "scale" }:
            {
                double mean = x.Average(), ss = 0;
                foreach (double xi in x) ss += (xi - mean) * (xi - mean);
                double sd = Math.Sqrt(ss / (x.Length - 1));
                if (!(sd > 0))
                    throw new FormulaException(formula, v.Expr.Start, v.Expr.End, $"{v.Label}: the values have no spread (standard deviation {sd}); scale() cannot divide by it");
                return new Standardize(mean, sd);
            }
            case CallExpr { Function: "poly" } c:
            {
                int degree = 1;
                bool raw = false;
                for (int k = 1; k < c.Args.Count; k++)
                    switch (c.Args[k])
                    {
                        case NumberExpr n: degree = (int)n.Value; break;
                        case NamedArgExpr { Name: "degree", Value: NumberExpr n }: degree = (int)n.Value; break;
                        case NamedArgExpr { Name: "raw", Value: NameExpr b }: raw = b.Name is "TRUE" or "T"; break;
                    }
                if (raw) return new RawPolynomial(degree);
                int distinct = x.Distinct().Count();
                if (degree >= distinct)
                    throw new FormulaException(formula, v.Expr.Start, v.Expr.End,
                        $"{v.Label}: the degree {degree} must be less than the number of distinct values ({distinct}), as R's poly() requires");
                return OrthogonalPolynomial.Plan(x, degree);
            }
            case CallExpr { Function: "ns" or "bs" } c:
            {
                bool natural = c.Function == "ns", intercept = false;
                int df = 0, degree = 3;
                for (int k = 1; k < c.Args.Count; k++)
                    switch (c.Args[k])
                    {
                        case NumberExpr n: df = (int)n.Value; break;
                        case NamedArgExpr { Name: "df", Value: NumberExpr n }: df = (int)n.Value; break;
                        case NamedArgExpr { Name: "degree", Value: NumberExpr n }: degree = (int)n.Value; break;
                        case NamedArgExpr { Name: "intercept", Value: NameExpr b }: intercept = b.Name is "TRUE" or "T"; break;
                    }
                int least = natural ? 1 + (intercept ? 1 : 0) : degree + (intercept ? 1 : 0);
                if (df < least)
                    throw new FormulaException(formula, v.Expr.Start, v.Expr.End,
                        $"{v.Label}: df = {df} is too small; {c.Function}() with {(natural ? "" : $"degree {degree} and ")}intercept = {(intercept ? "TRUE" : "FALSE")} needs df ≥ {least}");
                int distinct = x.Distinct().Count();
                if (distinct < 2)
                    throw new FormulaException(formula, v.Expr.Start, v.Expr.End, $"{v.Label}: the values have no spread; a spline needs at least two distinct values");
                return SplineTransform.Plan(natural, x, df, degree, intercept);
            }
            default:
                return null;
        }
    }
}

/// <summary>scale(x): (x − mean)/sd with the model rows' mean and standard deviation (divisor n − 1), as R's scale().</summary>
internal sealed record Standardize(double Center, double Scale) : NumericTransform
{
    public override string[] Suffixes => [""];

    public override double[][] Apply(double[] x) => [x.Select(v => (v - Center) / Scale).ToArray()];
}

/// <summary>poly(x, d, raw = TRUE): the columns x, x², …, x^d, named 1..d.</summary>
internal sealed record RawPolynomial(int Degree) : NumericTransform
{
    public override string[] Suffixes => Numbered(Degree);

    public override double[][] Apply(double[] x)
    {
        var cols = new double[Degree][];
        for (int d = 0; d < Degree; d++)
        {
            var c = cols[d] = new double[x.Length];
            for (int i = 0; i < x.Length; i++) c[i] = d == 0 ? x[i] : cols[d - 1][i] * x[i];
        }
        return cols;
    }
}

/// <summary>
/// poly(x, d): R's orthogonal polynomials, by the three-term recurrence of R's predict.poly with the model rows'
/// coefficients: p₀ = 1, p₁ = x − α₁, p_k = (x − α_k)p_{k−1} − (n_{k−1}/n_{k−2})p_{k−2}, column k = p_k/√n_k, where on the
/// model rows n_k = Σ p_k² and α_{k+1} = Σ x p_k²/n_k (Stieltjes). On the model rows the columns are orthonormal and
/// orthogonal to the constant, with a positive leading coefficient: R's QR construction gives the same columns.
/// </summary>
/// <param name="Alpha">α₁..α_d.</param>
/// <param name="Norm2">n₋₁ = 1, n₀ = N, n₁..n_d (R's norm2 attribute: length d + 2).</param>
internal sealed record OrthogonalPolynomial(double[] Alpha, double[] Norm2) : NumericTransform
{
    private int Degree => Alpha.Length;

    public override string[] Suffixes => Numbered(Degree);

    /// <summary>α and n from the model rows' x.</summary>
    public static OrthogonalPolynomial Plan(double[] x, int degree)
    {
        int n = x.Length;
        var alpha = new double[degree];
        var norm2 = new double[degree + 2];
        norm2[0] = 1;
        norm2[1] = n;
        var prev = new double[n];
        var cur = Enumerable.Repeat(1.0, n).ToArray();
        for (int k = 0; k < degree; k++)
        {
            // α_{k+1} = Σ x p_k² / n_k, then p_{k+1} and n_{k+1}.
            double sx = 0;
            for (int i = 0; i < n; i++) sx += x[i] * cur[i] * cur[i];
            alpha[k] = sx / norm2[k + 1];
            (prev, cur) = (cur, Next(x, alpha[k], norm2[k + 1] / norm2[k], cur, k == 0 ? null : prev));
            norm2[k + 2] = cur.Sum(v => v * v);
        }
        return new OrthogonalPolynomial(alpha, norm2);
    }

    public override double[][] Apply(double[] x)
    {
        var cols = new double[Degree][];
        var prev = new double[x.Length];
        var cur = Enumerable.Repeat(1.0, x.Length).ToArray();
        for (int k = 0; k < Degree; k++)
        {
            (prev, cur) = (cur, Next(x, Alpha[k], Norm2[k + 1] / Norm2[k], cur, k == 0 ? null : prev));
            double s = Math.Sqrt(Norm2[k + 2]);
            cols[k] = cur.Select(v => v / s).ToArray();
        }
        return cols;
    }

    /// <summary>One step of the recurrence: p_{k+1} = (x − α)p_k − ratio·p_{k−1} (no p_{k−1} term for k = 0).</summary>
    private static double[] Next(double[] x, double alpha, double ratio, double[] cur, double[]? prev)
    {
        var next = new double[x.Length];
        for (int i = 0; i < x.Length; i++) next[i] = (x[i] - alpha) * cur[i] - (prev is null ? 0 : ratio * prev[i]);
        return next;
    }
}
