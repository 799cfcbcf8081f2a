using FastGlmm.Formula;

namespace FastGlmm.Data.Frame;

/// <summary>A dense design matrix: column-major values (n × p) and R's column names.</summary>
internal sealed record DesignMatrix(double[] Values, int Rows, string[] Names)
{
    public int Columns => Names.Length;
    public ReadOnlySpan<double> Column(int j) => Values.AsSpan(j * Rows, Rows);
}

/// <summary>
/// Builds R's <c>model.matrix</c> for a term list with treatment contrasts. A factor in a term is coded
/// by contrasts (levels 2..K) when the term without it is the empty term or is contained in an
/// earlier term, and by full dummy coding (levels 1..K) otherwise (R's <c>TermCode</c> rule). Without
/// an intercept, the first factor of the first term that has one gets full coding. Interaction
/// columns vary their first variable fastest and are named <c>a:b</c>, as in R.
/// </summary>
internal static class DesignMatrixBuilder
{
    public static DesignMatrix Build(TermList terms, Func<Variable, FrameVariable> value, int n, string formula)
    {
        var columns = new List<double[]>();
        var names = new List<string>();
        if (terms.HasIntercept)
        {
            var one = new double[n];
            Array.Fill(one, 1.0);
            columns.Add(one);
            names.Add("(Intercept)");
        }
        bool fullCodingPending = !terms.HasIntercept;
        for (int t = 0; t < terms.Terms.Count; t++)
        {
            var term = terms.Terms[t];
            // Per variable: its column values and names, in the term's variable order.
            var parts = new List<(double[][] Cols, string[] Names)>();
            foreach (var v in term.Variables)
            {
                var fv = value(v);
                if (!fv.IsCategorical) { parts.Add(([fv.Numeric!], [v.Label])); continue; }
                bool full;
                if (fullCodingPending) { full = true; fullCodingPending = false; }
                else
                {
                    var rest = term.Without(v);
                    full = rest is not null && !terms.Terms.Take(t).Any(u => rest.IsSubsetOf(u));
                }
                parts.Add(Indicators(fv, v, full, formula));
            }
            // Cartesian product, first variable fastest.
            IEnumerable<(double[] Col, string Name)> acc = [(null!, "")];
            bool first = true;
            foreach (var (cols, nm) in parts)
            {
                var prev = acc.ToList();
                var next = new List<(double[], string)>();
                for (int k = 0; k < cols.Length; k++)
                    foreach (var (pc, pn) in prev)
                        next.Add(first ? (cols[k], nm[k]) : (Multiply(pc, cols[k]), pn + ":" + nm[k]));
                acc = next;
                first = false;
            }
            foreach (var (c, nm) in acc) { columns.Add(c); names.Add(nm); }
        }
        var values = new double[(long)n * columns.Count];
        for (int j = 0; j < columns.Count; j++) columns[j].CopyTo(values, (long)j * n);
        return new DesignMatrix(values, n, names.ToArray());
    }

    private static (double[][], string[]) Indicators(FrameVariable fv, Variable v, bool full, string formula)
    {
        var levels = fv.Levels!;
        if (!full && levels.Length < 2)
            throw new FormulaException(formula, v.Expr.Start, v.Expr.End,
                $"factor '{v.Label}' has a single level ('{(levels.Length > 0 ? levels[0] : "")}') in the rows used; contrasts need at least two levels");
        int first = full ? 0 : 1;
        var cols = new double[levels.Length - first][];
        var names = new string[cols.Length];
        for (int k = 0; k < cols.Length; k++) { cols[k] = new double[fv.Codes!.Length]; names[k] = v.Label + levels[k + first]; }
        var codes = fv.Codes!;
        for (int i = 0; i < codes.Length; i++)
        {
            int k = codes[i] - first;
            if (k >= 0) cols[k][i] = 1.0;
        }
        return (cols, names);
    }

    private static double[] Multiply(double[] a, double[] b)
    {
        var r = new double[a.Length];
        for (int i = 0; i < r.Length; i++) r[i] = a[i] * b[i];
        return r;
    }
}
