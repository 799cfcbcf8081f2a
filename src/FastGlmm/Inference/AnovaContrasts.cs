using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Linalg;

namespace FastGlmm.Inference;

/// <summary>The hypotheses of an F table for a model's terms, as lmerTest's <c>anova(m, type = …)</c> forms them.</summary>
public enum AnovaType
{
    /// <summary>Sequential: each term adjusted for the terms before it.</summary>
    I = 1,
    /// <summary>Each term adjusted for every term that does not contain it.</summary>
    II = 2,
    /// <summary>SAS's type III, lmerTest's default: contrasts orthogonal to those of the terms containing the term.</summary>
    III = 3,
}

/// <summary>
/// One model term of the fixed effects: its label (R's term label, variables joined by ':'), its columns of X (after
/// aliased columns are dropped), its variables and the numeric ones among them (R's <c>dataClasses</c> "numeric").
/// </summary>
internal sealed record FixedTerm(string Label, int[] Columns, string[] Variables, string[] Numerics)
{
    /// <summary>lmerTest's containment: every variable of this term is in <paramref name="other"/>, which has more,
    /// and both involve the same numeric covariates.</summary>
    public bool IsContainedIn(FixedTerm other) =>
        Variables.All(other.Variables.Contains) && other.Variables.Except(Variables).Any()
        && Numerics.ToHashSet().SetEquals(other.Numerics);
}

/// <summary>
/// Builds the contrast matrix L_t (r × p, row-major) of each fixed-effects term for the tests of lmerTest's anova.
/// Type I: the rows of U' for the term's columns, with X'X = L U the Doolittle factorization (L unit lower triangular,
/// entries below 10⁻⁶ set to 0), so each term is adjusted for the terms before it. Type II: a term contained in no other is
/// tested marginally (its coefficients); otherwise the Doolittle rows after moving the term and the terms containing it
/// to the end. Type III: with rdX the design in which every factor is coded by one indicator per level (the intercept
/// first), L = (X⁺ rdX)' (zapsmall'ed), each term's columns of L made orthogonal, higher-order terms first, to the columns
/// of the terms containing it, then the rows of rdX's columns that X has; a non-treatment coding is mapped by
/// (X_trt⁺ X), X_trt the treatment-coded design. Models with at most one term use type I, as lmerTest does.
/// </summary>
internal static class AnovaContrasts
{
    public static IReadOnlyList<(FixedTerm Term, double[] L, int Rows)> For(ModelFrame frame, DataTable data, AnovaType type)
    {
        var terms = Terms(frame);
        var x = frame.X;
        int p = x.Columns;
        var xtx = CrossProduct(x.Values, x.Values, x.Rows, p, p);
        if (p <= 1 || terms.Count <= 1 || type == AnovaType.I) return TypeOne(terms, xtx, p);
        if (type == AnovaType.II) return TypeTwo(terms, xtx, p);
        return TypeThree(frame, data, terms, xtx, p);
    }

    /// <summary>The frame's terms with their kept columns (R's <c>assign</c> attribute, mapped past dropped columns).</summary>
    internal static List<FixedTerm> Terms(ModelFrame frame)
    {
        var coding = frame.Coding.Fixed;
        var kept = frame.Coding.KeptFixedColumns;
        var position = new Dictionary<int, int>();
        for (int k = 0; k < kept.Length; k++) position[kept[k]] = k;
        int full = coding.HasIntercept ? 1 : 0;
        var result = new List<FixedTerm>();
        foreach (var term in coding.Terms)
        {
            int count = 1;
            foreach (var v in term.Variables)
                count *= v.IsCategorical ? (v.FullCoding ? v.Levels!.Length : v.Levels!.Length - 1) : v.Transform?.Suffixes.Length ?? 1;
            var cols = Enumerable.Range(full, count).Where(position.ContainsKey).Select(j => position[j]).ToArray();
            full += count;
            var vars = term.Variables.Select(v => v.Variable.Label).ToArray();
            var numerics = term.Variables.Where(v => !v.IsCategorical && (v.Transform?.Suffixes.Length ?? 1) == 1).Select(v => v.Variable.Label).ToArray();
            result.Add(new FixedTerm(string.Join(":", vars), cols, vars, numerics));
        }
        return result;
    }

    private static List<(FixedTerm, double[], int)> TypeOne(List<FixedTerm> terms, double[] xtx, int p)
    {
        var u = DoolittleUpperRows(xtx, p);
        return [.. terms.Select(t => (t, Rows(u, p, t.Columns), t.Columns.Length))];
    }

    private static List<(FixedTerm, double[], int)> TypeTwo(List<FixedTerm> terms, double[] xtx, int p)
    {
        var result = new List<(FixedTerm, double[], int)>();
        foreach (var t in terms)
        {
            var containing = terms.Where(o => o != t && t.IsContainedIn(o)).ToList();
            if (containing.Count == 0)
            {
                var l = new double[t.Columns.Length * p];
                for (int r = 0; r < t.Columns.Length; r++) l[r * p + t.Columns[r]] = 1;
                result.Add((t, l, t.Columns.Length));
                continue;
            }
            // Columns reordered as [unrelated, term, containing], in their original order within each group.
            var moved = t.Columns.Concat(containing.SelectMany(c => c.Columns)).ToArray();
            var order = Enumerable.Range(0, p).Except(moved).Concat(moved).ToArray();
            var sub = new double[p * p];
            for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) sub[i * p + j] = xtx[order[i] * p + order[j]];
            var u = DoolittleUpperRows(sub, p);
            var lt = new double[t.Columns.Length * p];
            for (int r = 0; r < t.Columns.Length; r++)
            {
                int row = Array.IndexOf(order, t.Columns[r]);
                for (int j = 0; j < p; j++) lt[r * p + order[j]] = u[row * p + j];
            }
            result.Add((t, lt, t.Columns.Length));
        }
        return result;
    }

    private static List<(FixedTerm, double[], int)> TypeThree(ModelFrame frame, DataTable data, List<FixedTerm> terms, double[] xtx, int p)
    {
        var coding = frame.Coding.Fixed;
        // rdX: every categorical variable by one indicator per level; and, when some contrast is not treatment, X_trt.
        var full = coding with { Terms = [.. coding.Terms.Select(t => new TermCoding([.. t.Variables.Select(v => v.IsCategorical ? v with { FullCoding = true } : v)]))] };
        bool treatment = coding.Terms.SelectMany(t => t.Variables).All(v => !v.IsCategorical || v.FullCoding || v.Contrast == Data.Frame.ContrastKind.Treatment);
        var trt = coding with { Terms = [.. coding.Terms.Select(t => new TermCoding([.. t.Variables.Select(v => v with { Contrast = Data.Frame.ContrastKind.Treatment })]))] };
        var designs = PredictorRowsBuilder.Designs(frame, data, treatment ? [full] : [full, trt]);
        var rd = designs[0];
        int n = frame.RowCount, q = rd.Columns;
        double[] xv, xtxUsed;
        string[] xNames;
        if (treatment) { xv = frame.X.Values.ToArray(); xtxUsed = xtx; xNames = [.. frame.X.ColumnNames]; }
        else
        {
            var xt = ModelFrameBuilder.KeepColumns(designs[1], frame.Coding.KeptFixedColumns);
            xv = xt.Values;
            xtxUsed = CrossProduct(xv, xv, n, p, p);
            xNames = xt.Names;
        }
        // B = X⁺ rdX = (X'X)⁻¹X'rdX (p × q); L = B' (q × p), rows named by rdX's columns.
        var b = Solve(xtxUsed, CrossProduct(xv, rd.Values, n, p, q), p, q);
        var l = new double[q * p];
        for (int i = 0; i < q; i++) for (int j = 0; j < p; j++) l[i * p + j] = b[j * q + i];
        ZapSmall(l);
        foreach (var t in terms.Select((t, i) => (t, i)).OrderByDescending(a => a.t.Variables.Length).ThenBy(a => a.i).Select(a => a.t))
        {
            var containing = terms.Where(o => o != t && t.IsContainedIn(o)).SelectMany(o => o.Columns).ToArray();
            if (containing.Length == 0 || t.Columns.Length == 0) continue;
            var resid = ColumnResiduals(l, q, p, containing, t.Columns);
            ZapSmall(resid);
            for (int c = 0; c < t.Columns.Length; c++) for (int i = 0; i < q; i++) l[i * p + t.Columns[c]] = resid[c * q + i];
        }
        var rowOf = rd.Names.Select((nm, i) => (nm, i)).GroupBy(a => a.nm).ToDictionary(g => g.Key, g => g.First().i);
        var keepRows = xNames.Select(nm => rowOf.TryGetValue(nm, out int i) ? i : -1).ToArray();
        if (keepRows.Any(i => i < 0))
            throw new UserInputException($"--anova type III: the coefficient '{xNames[Array.IndexOf(keepRows, -1)]}' has no column in the fully dummy-coded design; use --anova 1 or 2");
        double[]? map = null;
        if (!treatment)
        {
            // (X_trt⁺ X), zapsmall'ed: expresses the treatment-coded contrasts in the model's own coding.
            var m = Solve(xtxUsed, CrossProduct(xv, frame.X.Values.ToArray(), n, p, p), p, p);
            ZapSmall(m);
            map = m;
        }
        var result = new List<(FixedTerm, double[], int)>();
        foreach (var t in terms)
        {
            var rows = new List<double[]>();
            foreach (int c in t.Columns)
            {
                var row = new double[p];
                for (int k = 0; k < p; k++) row[k] = l[keepRows[k] * p + c];
                if (row.Sum(Math.Abs) <= 1e-8) continue;
                if (map is not null)
                {
                    var mapped = new double[p];
                    for (int j = 0; j < p; j++) for (int k = 0; k < p; k++) mapped[j] += row[k] * map[k * p + j];
                    row = mapped;
                }
                rows.Add(row);
            }
            result.Add((t, [.. rows.SelectMany(r => r)], rows.Count));
        }
        return result;
    }

    /// <summary>A'B for column-major A (n × a) and B (n × b): a × b row-major.</summary>
    private static double[] CrossProduct(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int n, int ca, int cb)
    {
        var r = new double[ca * cb];
        for (int i = 0; i < ca; i++)
        {
            var ai = a.Slice(i * n, n);
            for (int j = 0; j < cb; j++)
            {
                var bj = b.Slice(j * n, n);
                double s = 0;
                for (int k = 0; k < n; k++) s += ai[k] * bj[k];
                r[i * cb + j] = s;
            }
        }
        return r;
    }

    /// <summary>(A)⁻¹B for symmetric positive definite A (p × p) and B (p × q), both row-major.</summary>
    private static double[] Solve(double[] a, double[] b, int p, int q)
    {
        var f = (double[])a.Clone();
        if (!DenseCholesky.Factor(f, p)) throw new NumericalFailureException("X'X is not positive definite");
        var r = new double[p * q];
        var col = new double[p];
        for (int j = 0; j < q; j++)
        {
            for (int i = 0; i < p; i++) col[i] = b[i * q + j];
            DenseCholesky.SolveLower(f, p, col);
            DenseCholesky.SolveUpperTransposed(f, p, col);
            for (int i = 0; i < p; i++) r[i * q + j] = col[i];
        }
        return r;
    }

    /// <summary>
    /// The rows of U' (p × p row-major) where X'X = LU without pivoting (Doolittle; L unit lower triangular), entries of L
    /// below 10⁻⁶ in magnitude set to 0 and a column with a pivot below 10⁻⁶ zeroed, as lmerTest's <c>doolittle</c>.
    /// </summary>
    private static double[] DoolittleUpperRows(double[] x, int n)
    {
        const double eps = 1e-6;
        var l = new double[n * n];
        var u = new double[n * n];
        for (int i = 0; i < n; i++) l[i * n + i] = 1;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = x[i * n + j];
                for (int k = 0; k < i; k++) s -= l[i * n + k] * u[k * n + j];
                u[i * n + j] = s;
            }
            for (int j = i + 1; j < n; j++)
            {
                double s = x[j * n + i];
                for (int k = 0; k < i; k++) s -= l[j * n + k] * u[k * n + i];
                l[j * n + i] = Math.Abs(u[i * n + i]) < eps ? 0 : s / u[i * n + i];
            }
        }
        // t(L): row i of the result is column i of L.
        var t = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) t[i * n + j] = Math.Abs(l[j * n + i]) < eps ? 0 : l[j * n + i];
        return t;
    }

    private static double[] Rows(double[] m, int p, int[] rows) => [.. rows.SelectMany(r => m.AsSpan(r * p, p).ToArray())];

    /// <summary>
    /// The residuals of the columns <paramref name="ys"/> of M (q × p row-major) on its columns <paramref name="xs"/>
    /// (least squares; a column dependent on those before it, to 10⁻⁷ relative, is skipped, as lm.fit's pivoting does):
    /// column-major q × |ys|.
    /// </summary>
    private static double[] ColumnResiduals(double[] m, int q, int p, int[] xs, int[] ys)
    {
        var basis = new List<double[]>();
        foreach (int c in xs)
        {
            var v = new double[q];
            for (int i = 0; i < q; i++) v[i] = m[i * p + c];
            double norm0 = Math.Sqrt(v.Sum(a => a * a));
            for (int pass = 0; pass < 2; pass++)
                foreach (var e in basis)
                {
                    double d = 0;
                    for (int i = 0; i < q; i++) d += e[i] * v[i];
                    for (int i = 0; i < q; i++) v[i] -= d * e[i];
                }
            double norm = Math.Sqrt(v.Sum(a => a * a));
            if (norm0 == 0 || norm <= 1e-7 * norm0) continue;
            for (int i = 0; i < q; i++) v[i] /= norm;
            basis.Add(v);
        }
        var r = new double[q * ys.Length];
        for (int k = 0; k < ys.Length; k++)
        {
            var v = new double[q];
            for (int i = 0; i < q; i++) v[i] = m[i * p + ys[k]];
            for (int pass = 0; pass < 2; pass++)
                foreach (var e in basis)
                {
                    double d = 0;
                    for (int i = 0; i < q; i++) d += e[i] * v[i];
                    for (int i = 0; i < q; i++) v[i] -= d * e[i];
                }
            v.CopyTo(r, k * q);
        }
        return r;
    }

    /// <summary>R's <c>zapsmall(x, digits = 7)</c>: rounds every entry to 7 − ⌈log10 max|x|⌉ decimals (0 to 15).</summary>
    private static void ZapSmall(double[] x)
    {
        double mx = x.Select(Math.Abs).DefaultIfEmpty(0).Max();
        int digits = Math.Min(15, mx > 0 ? Math.Max(0, 7 - (int)Math.Ceiling(Math.Log10(mx))) : 7);
        for (int i = 0; i < x.Length; i++) x[i] = Math.Round(x[i], digits, MidpointRounding.ToEven);
    }
}
