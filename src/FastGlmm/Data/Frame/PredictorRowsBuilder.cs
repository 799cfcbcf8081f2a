using FastGlmm.Formula;

namespace FastGlmm.Data.Frame;

/// <summary>
/// Evaluates a model frame's predictor on a new table (<see cref="ModelFrame.PredictorsFor"/>): checks that the
/// needed columns exist, evaluates the formula's variables over every row, maps factors onto the frame's levels,
/// and applies the frame's recipes of X and Z_t (<see cref="DesignMatrixBuilder"/>, the code that built the
/// frame's own matrices) and its grouping levels.
/// </summary>
internal static class PredictorRowsBuilder
{
    public static PredictorRows Build(ModelFrame frame, DataTable data, PredictorParts parts)
    {
        var coding = frame.Coding;
        var formula = frame.Formula;
        bool withZ = parts != PredictorParts.Fixed, withLevels = parts == PredictorParts.All;

        // What is read, each with the part of the model that needs it (for messages), in the formula's order.
        var variables = new List<(VariableCoding Coding, string Role)>();
        variables.AddRange(coding.Fixed.DistinctVariables.Select(v => (v, "its fixed effects")));
        if (withZ)
            for (int t = 0; t < frame.RandomTerms.Count; t++)
                variables.AddRange(coding.Random[t].DistinctVariables.Select(v => (v, $"the random term {frame.RandomTerms[t]}")));
        variables = variables.DistinctBy(v => v.Coding.Variable.Label).ToList();
        var grouping = new List<(NameExpr Expr, string Role)>();
        if (withLevels)
            foreach (var term in frame.RandomTerms)
                grouping.AddRange(term.Source.Grouping.Select(g => (g, $"the grouping factor of {term} (population-level predictions do not)")));
        var needs = variables.Select(v => (v.Coding.Variable.Expr, v.Role))
            .Concat(formula.Offsets.Select(o => (o, "its offset")))
            .Concat(grouping.Select(g => ((Expr)g.Expr, g.Role)));
        foreach (var (e, role) in needs) CheckColumns(data, e, role);

        var eval = new ExprEvaluator(data, formula.Text);
        eval.CheckColumnsFinite(variables.Select(v => v.Coding.Variable.Expr).OfType<NameExpr>());
        int m = data.RowCount;
        var values = new Dictionary<string, FrameVariable>(StringComparer.Ordinal);
        foreach (var (vc, role) in variables) values[vc.Variable.Label] = Value(eval, data, vc, role);
        FrameVariable Get(Variable v) => values[v.Label];

        var x = ModelFrameBuilder.KeepColumns(DesignMatrixBuilder.Build(coding.Fixed, Get, m), coding.KeptFixedColumns);
        var offset = new double[m];
        foreach (var o in formula.Offsets)
        {
            var arg = ((CallExpr)o).Args[0];
            var v = eval.Evaluate(arg);
            CheckComplete(eval, data, arg, v, "its offset");
            var num = eval.Numeric(arg);
            for (int i = 0; i < m; i++) offset[i] += num[i];
        }
        var terms = new List<PredictorTermRows>();
        if (withZ)
            for (int t = 0; t < frame.RandomTerms.Count; t++)
            {
                var term = frame.RandomTerms[t];
                var z = DesignMatrixBuilder.Build(coding.Random[t], Get, m);
                var levels = withLevels ? Levels(eval, data, term) : Filled(m, -1);
                terms.Add(new PredictorTermRows(levels, z.Values, term.ColumnCount));
            }
        var fixedDesign = new FixedDesign(x.Values, m, x.Names, frame.X.DroppedColumns.ToArray());
        return new PredictorRows(m, offset, fixedDesign, terms);
    }

    /// <summary>Every column <paramref name="e"/> reads must be in the table; the error names the first missing one.</summary>
    private static void CheckColumns(DataTable data, Expr e, string role)
    {
        foreach (var n in e.Names())
        {
            if (data.TryGetColumn(n.Name, out _)) continue;
            var near = NameSuggester.Closest(n.Name, data.ColumnNames);
            string hint = near.Count > 0 ? $"; did you mean {string.Join(" or ", near.Select(s => $"'{s}'"))}?" : "";
            throw new UserInputException($"{data.Source}: no column '{n.Name}'; the model needs it for {role}{hint}");
        }
    }

    /// <summary>No row may be NA; the error names the first such row and the column that is NA there.</summary>
    private static void CheckComplete(ExprEvaluator eval, DataTable data, Expr e, VariableValue v, string role)
    {
        for (int i = 0; i < v.Length; i++)
        {
            if (!v.IsMissing(i)) continue;
            var column = e.Names().Select(eval.Lookup).FirstOrDefault(c => c.IsMissing(i));
            string what = column is not null ? $"column '{column.Name}'" : $"'{e.Deparse()}'";
            throw new UserInputException($"{data.Source}, row {i + 1}: {what} is NA; the model needs it for {role}, so this row has no prediction");
        }
    }

    /// <summary>
    /// The variable over all rows, coded as the model codes it: numbers, or codes into the model's levels (a number
    /// in a column the model treats as a factor becomes its label, 1 → "1", as R's factor() does).
    /// </summary>
    private static FrameVariable Value(ExprEvaluator eval, DataTable data, VariableCoding vc, string role)
    {
        var variable = vc.Variable;
        var v = eval.Evaluate(variable.Expr);
        CheckComplete(eval, data, variable.Expr, v, role);
        string what = variable.IsColumn ? $"column '{((NameExpr)variable.Expr).Name}'" : $"'{variable.Label}'";
        if (!vc.IsCategorical)
        {
            if (v.Kind != ColumnKind.Numeric)
                throw new UserInputException($"{data.Source}: {what} is {(v.Kind == ColumnKind.Factor ? "text (a factor)" : "logical")} here, " +
                    $"but numeric in the data the model was fitted to{eval.TextHint(variable.Expr)}");
            return FrameVariable.OfNumbers(variable.Label, v.Numeric!);
        }
        var (codes, labels) = v.AsFactor();
        var levels = vc.Levels!;
        var index = new Dictionary<string, int>(levels.Length, StringComparer.Ordinal);
        for (int k = 0; k < levels.Length; k++) index[levels[k]] = k;
        var map = labels.Select(l => index.TryGetValue(l, out int k) ? k : -1).ToArray();
        var mapped = new int[codes.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            mapped[i] = map[codes[i]];
            if (mapped[i] < 0)
                throw new UserInputException($"{data.Source}, row {i + 1}: {what} has the level '{labels[codes[i]]}', which the model was not " +
                    $"fitted with (its levels: {Preview(levels)})");
        }
        return FrameVariable.OfCodes(variable.Label, mapped, levels);
    }

    /// <summary>
    /// Each row's index into the term's levels (the grouping factors' labels joined by ':', as the frame names an
    /// interaction's levels), −1 for a combination the model does not have.
    /// </summary>
    private static int[] Levels(ExprEvaluator eval, DataTable data, RandomEffectsTerm term)
    {
        var index = new Dictionary<string, int>(term.LevelCount, StringComparer.Ordinal);
        for (int k = 0; k < term.LevelCount; k++) index[term.Levels[k]] = k;
        var factors = term.Source.Grouping.Select(g =>
        {
            var v = eval.Evaluate(g);
            CheckComplete(eval, data, g, v, $"the grouping factor of {term}");
            return v.AsFactor();
        }).ToArray();
        int m = data.RowCount;
        var level = new int[m];
        if (factors.Length == 1)
        {
            var (codes, labels) = factors[0];
            var map = labels.Select(l => index.TryGetValue(l, out int k) ? k : -1).ToArray();
            for (int i = 0; i < m; i++) level[i] = map[codes[i]];
            return level;
        }
        var parts = new string[factors.Length];
        for (int i = 0; i < m; i++)
        {
            for (int f = 0; f < factors.Length; f++) parts[f] = factors[f].Levels[factors[f].Codes[i]];
            level[i] = index.TryGetValue(string.Join(":", parts), out int k) ? k : -1;
        }
        return level;
    }

    private static int[] Filled(int m, int value)
    {
        var a = new int[m];
        Array.Fill(a, value);
        return a;
    }

    private static string Preview(string[] lv) =>
        lv.Length <= 8 ? string.Join(", ", lv) : string.Join(", ", lv.Take(8)) + $", … {lv.Length} in all";
}
