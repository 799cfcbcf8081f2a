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
    public static List<RawRandomTerm> Build(ModelFormula formula, IReadOnlyDictionary<string, VariableValue> groups,
        Func<Variable, FrameVariable> value, int[] rows, FamilySpec family, string source)
    {
        int n = rows.Length;
        var result = new List<RawRandomTerm>();
        foreach (var rt in formula.RandomTerms)
        {
            var (levels, levelOfRow) = GroupingFactor(rt, groups, rows);
            if (levels.Length < 2)
                throw new FormulaException(formula.Text, rt.Start, rt.End,
                    $"grouping factor '{rt.GroupLabel}' has a single level ('{UserText.Clip(levels[0])}') in the {n} rows used; a random effect needs at least two levels");
            var (z, coding) = DesignMatrixBuilder.Build(rt.Lhs, value, n, formula.Text);
            long effects = (long)levels.Length * z.Columns;
            bool lmm = family.IsLinearMixedModel;
            if (lmm ? effects >= n : effects > n)
                throw new FormulaException(formula.Text, rt.Start, rt.End,
                    $"term {rt} has {levels.Length} levels × {z.Columns} column{(z.Columns == 1 ? "" : "s")} = {effects} random effects for {n} observations; " +
                    $"they are not identifiable{(lmm ? " together with the residual variance" : "")}");
            result.Add(new RawRandomTerm(rt, rt.GroupLabel, z.Names, levels, levelOfRow, z.Values, coding));
        }
        var nl = result.Select(t => t.Levels.Length).ToArray();
        bool increases = nl.Zip(nl.Skip(1)).Any(p => p.Second > p.First);
        if (!increases) return result;
        var asc = Enumerable.Range(0, result.Count).OrderBy(i => nl[i]).ToArray(); // stable
        return asc.Reverse().Select(i => result[i]).ToList();
    }

    private static (string[] Levels, int[] LevelOfRow) GroupingFactor(RandomTerm rt,
        IReadOnlyDictionary<string, VariableValue> groups, int[] rows)
    {
        int n = rows.Length;
        var factors = rt.Grouping.Select(g => groups[g.Name].AsFactor()).ToArray();
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
}
