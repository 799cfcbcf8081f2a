using FastGlmm.Families;
using FastGlmm.Formula;

namespace FastGlmm.Data.Frame;

/// <summary>A random-effects term before the rows are sorted by block; <see cref="Coding"/> is the recipe of Z.</summary>
internal sealed record RawRandomTerm(RandomTerm Source, string Group, string[] ColumnNames, string[] Levels, int[] LevelOfRow, double[] Z,
    DesignCoding Coding);

/// <summary>
/// Builds each random-effects term: the grouping factor (an interaction of columns, levels in
/// lexical order with the first factor slowest, unused combinations dropped, as R's <c>a:b</c>),
/// the term's model matrix from its left-hand side, lme4's identifiability checks, and lme4's
/// term order (when the level counts ever increase, the order is the reverse of a stable
/// ascending sort by level count).
/// </summary>
internal static class RandomTermBuilder
{
    /// <summary>
    /// Each random term's grouping factor over <paramref name="rows"/> (input indices), in formula order, and the
    /// order lme4 puts the terms in (indices into the formula's terms). A factor with a single level is an error.
    /// </summary>
    public static (List<(string[] Levels, int[] LevelOfRow)> Groupings, int[] TermOrder) Groupings(ModelFormula formula,
        IReadOnlyDictionary<string, VariableValue> groups, int[] rows)
    {
        var result = new List<(string[], int[])>();
        foreach (var rt in formula.RandomTerms)
        {
            var (levels, levelOfRow) = GroupingFactor(rt, groups, rows);
            if (levels.Length < 2)
                throw new FormulaException(formula.Text, rt.Start, rt.End,
                    $"grouping factor '{rt.GroupLabel}' has a single level ('{UserText.Clip(levels[0])}') in the {rows.Length} rows used; a random effect needs at least two levels");
            result.Add((levels, levelOfRow));
        }
        var nl = result.Select(t => t.Item1.Length).ToArray();
        bool increases = nl.Zip(nl.Skip(1)).Any(p => p.Second > p.First);
        var order = Enumerable.Range(0, result.Count).ToArray();
        if (increases) order = order.OrderBy(i => nl[i]).Reverse().ToArray(); // the reverse of a stable ascending sort
        return (result, order);
    }

    /// <summary>
    /// The terms in lme4's order (<paramref name="termOrder"/> from <see cref="Groupings"/>), each with its grouping
    /// levels per frame row (<paramref name="groupings"/>, formula order, already in the frame's row order) and its
    /// model matrix over the n frame rows; the identifiability check (random effects against observations) in
    /// formula order. An intercept-only Z_t is <paramref name="ones"/> when given (shared, never written).
    /// </summary>
    public static List<RawRandomTerm> Build(ModelFormula formula, IReadOnlyList<(string[] Levels, int[] LevelOfRow)> groupings,
        int[] termOrder, Func<Variable, FrameVariable> value, int n, FamilySpec family, double[]? ones = null,
        Func<Variable, ContrastKind>? contrastOf = null)
    {
        var built = new RawRandomTerm[formula.RandomTerms.Count];
        for (int k = 0; k < built.Length; k++)
        {
            var rt = formula.RandomTerms[k];
            var (levels, levelOfRow) = groupings[k];
            var (z, coding) = DesignMatrixBuilder.Build(rt.Lhs, value, n, formula.Text, ones, contrastOf);
            CheckStructure(formula, rt, coding, z.Columns);
            long effects = (long)levels.Length * z.Columns;
            bool lmm = family.IsLinearMixedModel;
            if (lmm ? effects >= n : effects > n)
                throw new FormulaException(formula.Text, rt.Start, rt.End,
                    $"term {rt} has {levels.Length} levels × {z.Columns} column{(z.Columns == 1 ? "" : "s")} = {effects} random effects for {n} observations; " +
                    $"they are not identifiable{(lmm ? " together with the residual variance" : "")}");
            built[k] = new RawRandomTerm(rt, rt.GroupLabel, z.Names, levels, levelOfRow, z.Values, coding);
        }
        return termOrder.Select(i => built[i]).ToList();
    }

    /// <summary>
    /// glmmTMB's requirements of a structure: cs() and ar1() need at least two columns (one column has no correlation);
    /// ar1() needs the indicator columns of one time factor and no intercept, as in ar1(0 + time | g).
    /// </summary>
    private static void CheckStructure(ModelFormula formula, RandomTerm rt, DesignCoding coding, int columns)
    {
        if (rt.Covariance is not (CovarianceKind.CompoundSymmetry or CovarianceKind.Ar1)) return;
        string name = rt.CovarianceName;
        if (rt.Covariance == CovarianceKind.Ar1)
        {
            bool timeFactor = !coding.HasIntercept && coding.Terms.Count == 1 && coding.Terms[0].Variables.Count == 1
                && coding.Terms[0].Variables[0].IsCategorical;
            if (!timeFactor)
                throw new FormulaException(formula.Text, rt.Start, rt.End,
                    $"ar1() needs a factor of time points and no intercept, as in ar1(0 + time | g) with time a factor; {rt} is not one " +
                    "(make the times a factor with factor(time))");
        }
        if (columns < 2)
            throw new FormulaException(formula.Text, rt.Start, rt.End,
                $"{name}() needs a term with at least two columns; {rt} has one (write (… | g) for a single variance)");
    }

    private static (string[] Levels, int[] LevelOfRow) GroupingFactor(RandomTerm rt,
        IReadOnlyDictionary<string, VariableValue> groups, int[] rows)
    {
        int n = rows.Length;
        var factors = rt.Grouping.Select(g => groups[g.Name].AsFactor()).ToArray();
        if (factors.Length == 1) return SingleFactor(factors[0].Codes, factors[0].Levels, rows);
        // Combination key per row: codes of each factor, first factor most significant.
        var keys = new long[n];
        long radix = 1;
        for (int f = factors.Length - 1; f >= 0; f--)
        {
            var (codes, lv) = factors[f];
            for (int i = 0; i < n; i++) keys[i] += codes[rows[i]] * radix;
            radix = checked(radix * lv.Length);
        }
        var distinct = keys.Distinct().Order().ToArray();
        var index = new Dictionary<long, int>(distinct.Length);
        for (int k = 0; k < distinct.Length; k++) index[distinct[k]] = k;
        var levelOfRow = new int[n];
        for (int i = 0; i < n; i++) levelOfRow[i] = index[keys[i]];
        var labels = new string[distinct.Length];
        for (int k = 0; k < distinct.Length; k++)
        {
            long key = distinct[k];
            var parts = new string[factors.Length];
            for (int f = factors.Length - 1; f >= 0; f--)
            {
                int nlev = factors[f].Levels.Length;
                parts[f] = factors[f].Levels[(int)(key % nlev)];
                key /= nlev;
            }
            labels[k] = string.Join(":", parts);
        }
        return (labels, levelOfRow);
    }

    /// <summary>One grouping factor: its codes over the rows, with the levels that do not occur dropped (level order kept).</summary>
    private static (string[] Levels, int[] LevelOfRow) SingleFactor(int[] codes, string[] levels, int[] rows)
    {
        var map = new int[levels.Length];
        foreach (int i in rows) map[codes[i]] = 1;
        int count = 0;
        for (int k = 0; k < map.Length; k++) map[k] = map[k] != 0 ? count++ : -1;
        var kept = new string[count];
        for (int k = 0; k < map.Length; k++) if (map[k] >= 0) kept[map[k]] = levels[k];
        var levelOfRow = new int[rows.Length];
        for (int r = 0; r < rows.Length; r++) levelOfRow[r] = map[codes[rows[r]]];
        return (kept, levelOfRow);
    }
}
