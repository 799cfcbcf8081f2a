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
/// columns vary their first variable fastest and are named <c>a:b</c>, as in R. Building is two steps:
/// <see cref="Plan"/> fixes each variable's coding (levels and contrasts) from the model's rows, and
/// <see cref="Build(DesignCoding, Func{Variable, FrameVariable}, int, double[])"/> applies a coding to any rows, so a
/// model's matrix for new data is made by the same code as the model's own.
/// </summary>
internal static class DesignMatrixBuilder
{
    /// <summary>Plans the coding of <paramref name="terms"/> over the model's rows, then builds the matrix.</summary>
    /// <remarks>
    /// When the matrix is the intercept alone and <paramref name="ones"/> (n ones, never written) is given, that
    /// array is the matrix's values: frames of 10⁸ rows share one such column between the weights and Z.
    /// </remarks>
    public static (DesignMatrix Matrix, DesignCoding Coding) Build(TermList terms, Func<Variable, FrameVariable> value, int n, string formula,
        double[]? ones = null, Func<Variable, ContrastKind>? contrastOf = null)
    {
        var coding = Plan(terms, value, formula, contrastOf);
        return (Build(coding, value, n, ones), coding);
    }

    /// <summary>
    /// Decides each variable's coding from the model's rows: numeric, or categorical with the rows' levels and
    /// contrasts (<paramref name="contrastOf"/>'s, treatment by default) or full dummy coding by R's rule. A
    /// contrast-coded factor needs two levels.
    /// </summary>
    public static DesignCoding Plan(TermList terms, Func<Variable, FrameVariable> value, string formula,
        Func<Variable, ContrastKind>? contrastOf = null)
    {
        var result = new List<TermCoding>();
        bool fullCodingPending = !terms.HasIntercept;
        for (int t = 0; t < terms.Terms.Count; t++)
        {
            var term = terms.Terms[t];
            var vars = new List<VariableCoding>();
            foreach (var v in term.Variables)
            {
                var fv = value(v);
                if (!fv.IsCategorical)
                {
                    vars.Add(new VariableCoding(v, null, false, Transform: NumericTransform.Plan(v, fv.Numeric!, formula)));
                    continue;
                }
                bool full;
                if (fullCodingPending) { full = true; fullCodingPending = false; }
                else
                {
                    var rest = term.Without(v);
                    full = rest is not null && !terms.Terms.Take(t).Any(u => rest.IsSubsetOf(u));
                }
                var levels = fv.Levels!;
                if (!full && levels.Length < 2)
                    throw new FormulaException(formula, v.Expr.Start, v.Expr.End,
                        $"factor '{v.Label}' has a single level ('{(levels.Length > 0 ? UserText.Clip(levels[0]) : "")}') in the rows used; contrasts need at least two levels");
                vars.Add(new VariableCoding(v, levels, full, contrastOf?.Invoke(v) ?? ContrastKind.Treatment));
            }
            result.Add(new TermCoding(vars));
        }
        return new DesignCoding(terms.HasIntercept, result);
    }

    /// <summary>
    /// Applies <paramref name="coding"/> to n rows: <paramref name="value"/> gives each variable's numbers, or for a
    /// categorical variable codes into the coding's levels (0..K−1).
    /// </summary>
    public static DesignMatrix Build(DesignCoding coding, Func<Variable, FrameVariable> value, int n, double[]? ones = null)
    {
        var columns = new List<double[]?>(); // null: the intercept, written straight into the values
        var names = new List<string>();
        if (coding.HasIntercept)
        {
            columns.Add(null);
            names.Add("(Intercept)");
        }
        foreach (var term in coding.Terms)
        {
            // Per variable: its column values and names, in the term's variable order.
            var parts = new List<(double[][] Cols, string[] Names)>();
            foreach (var vc in term.Variables)
            {
                var fv = value(vc.Variable);
                parts.Add(vc.IsCategorical ? Indicators(fv.Codes!, vc)
                    : vc.Transform is { } tr ? (tr.Apply(fv.Numeric!), tr.Suffixes.Select(s => vc.Variable.Label + s).ToArray())
                    : ([fv.Numeric!], [vc.Variable.Label]));
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
        if (columns is [null] && ones?.Length == n) return new DesignMatrix(ones, n, names.ToArray());
        var values = new double[(long)n * columns.Count];
        for (int j = 0; j < columns.Count; j++)
            if (columns[j] is { } c) c.CopyTo(values, (long)j * n);
            else values.AsSpan((int)((long)j * n), n).Fill(1.0);
        return new DesignMatrix(values, n, names.ToArray());
    }

    private static (double[][], string[]) Indicators(int[] codes, VariableCoding vc)
    {
        var levels = vc.Levels!;
        if (!vc.FullCoding && vc.Contrast != ContrastKind.Treatment) return ContrastColumns(codes, vc);
        int first = vc.FullCoding ? 0 : 1;
        var cols = new double[levels.Length - first][];
        var names = new string[cols.Length];
        for (int k = 0; k < cols.Length; k++) { cols[k] = new double[codes.Length]; names[k] = vc.Variable.Label + levels[k + first]; }
        for (int i = 0; i < codes.Length; i++)
        {
            int k = codes[i] - first;
            if (k >= 0) cols[k][i] = 1.0;
        }
        return (cols, names);
    }

    /// <summary>Column j of a contrast-coded factor: C[code_i, j] for row i (0 where the code is −1, a level not in the fit).</summary>
    private static (double[][], string[]) ContrastColumns(int[] codes, VariableCoding vc)
    {
        var (c, suffixes) = Contrasts.Matrix(vc.Contrast, vc.Levels!);
        var cols = new double[suffixes.Length][];
        for (int j = 0; j < cols.Length; j++)
        {
            var col = cols[j] = new double[codes.Length];
            for (int i = 0; i < codes.Length; i++) if (codes[i] >= 0) col[i] = c[codes[i], j];
        }
        return (cols, suffixes.Select(s => vc.Variable.Label + s).ToArray());
    }

    private static double[] Multiply(double[] a, double[] b)
    {
        var r = new double[a.Length];
        for (int i = 0; i < r.Length; i++) r[i] = a[i] * b[i];
        return r;
    }
}
