using FastGlmm.Formula;

namespace FastGlmm.Data.Frame;

/// <summary>
/// Evaluates a model frame's predictor on a new table (<see cref="ModelFrame.PredictorsFor"/>): checks that the
/// needed columns exist, evaluates the formula's variables over every row, maps factors onto the frame's levels,
/// and applies the frame's recipes of X and Z_t (<see cref="DesignMatrixBuilder"/>, the code that built the
/// frame's own matrices) and its grouping levels. A row with an NA in a needed variable or offset is flagged as
/// missing (its prediction is NA, lme4's <c>na.action = na.pass</c>) and gets placeholder values; an NA grouping value
/// gives level −1 (random effects 0), as lme4's <c>allow.new.levels = TRUE</c> treats it.
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
        var missing = new MissingRows(m);
        var values = new Dictionary<string, FrameVariable>(StringComparer.Ordinal);
        foreach (var (vc, _) in variables) values[vc.Variable.Label] = Value(eval, data, vc, missing);
        FrameVariable Get(Variable v) => values[v.Label];

        var x = ModelFrameBuilder.KeepColumns(DesignMatrixBuilder.Build(coding.Fixed, Get, m), coding.KeptFixedColumns);
        var offset = new double[m];
        foreach (var o in formula.Offsets)
        {
            var arg = ((CallExpr)o).Args[0];
            missing.Mark(eval, arg, eval.Evaluate(arg));
            var num = eval.Numeric(arg);
            for (int i = 0; i < m; i++) if (!double.IsNaN(num[i])) offset[i] += num[i];
        }
        var terms = new List<PredictorTermRows>();
        if (withZ)
            for (int t = 0; t < frame.RandomTerms.Count; t++)
            {
                var term = frame.RandomTerms[t];
                var z = DesignMatrixBuilder.Build(coding.Random[t], Get, m);
                var (levels, naGrouping) = withLevels ? Levels(eval, data, term) : (Filled(m, -1), null);
                terms.Add(new PredictorTermRows(levels, z.Values, term.ColumnCount, naGrouping));
            }
        var fixedDesign = new FixedDesign(x.Values, m, x.Names, frame.X.DroppedColumns.ToArray());
        return new PredictorRows(m, offset, fixedDesign, terms, missing.Rows, missing.Columns);
    }

    /// <summary>
    /// Other recipes of the fixed-effects design (e.g. every factor fully dummy-coded, or treatment contrasts) over the
    /// frame's own rows, read again from <paramref name="data"/>, the table the frame was built from.
    /// </summary>
    public static DesignMatrix[] Designs(ModelFrame frame, DataTable data, params DesignCoding[] codings)
    {
        var eval = new ExprEvaluator(data, frame.Formula.Text);
        var missing = new MissingRows(data.RowCount);
        var rows = frame.InputRowArray;
        var values = new Dictionary<string, FrameVariable>(StringComparer.Ordinal);
        foreach (var vc in frame.Coding.Fixed.DistinctVariables)
        {
            var all = Value(eval, data, vc, missing);
            values[vc.Variable.Label] = all.IsCategorical
                ? FrameVariable.OfCodes(all.Label, [.. rows.Select(i => all.Codes![i])], all.Levels!)
                : FrameVariable.OfNumbers(all.Label, [.. rows.Select(i => all.Numeric![i])]);
        }
        return [.. codings.Select(c => DesignMatrixBuilder.Build(c, v => values[v.Label], rows.Length))];
    }

    /// <summary>Every column <paramref name="e"/> reads must be in the table; the error names the first missing one.</summary>
    private static void CheckColumns(DataTable data, Expr e, string role)
    {
        foreach (var n in e.Names())
        {
            if (data.TryGetColumn(n.Name, out _)) continue;
            var near = NameSuggester.Closest(n.Name, data.ColumnNames);
            string hint = near.Count > 0 ? $"; did you mean {string.Join(" or ", near.Select(s => $"'{UserText.Clip(s)}'"))}?" : "";
            throw new UserInputException($"{data.Source}: no column '{UserText.Clip(n.Name)}'; the model needs it for {role}{hint}");
        }
    }

    /// <summary>
    /// The variable over all rows, coded as the model codes it: numbers, or codes into the model's levels (a number
    /// in a column the model treats as a factor becomes its label, 1 → "1", as R's factor() does). Rows where it is NA
    /// are marked in <paramref name="missing"/> and get 0 (a number) or the first level (a factor).
    /// </summary>
    private static FrameVariable Value(ExprEvaluator eval, DataTable data, VariableCoding vc, MissingRows missing)
    {
        var variable = vc.Variable;
        var v = eval.Evaluate(variable.Expr);
        missing.Mark(eval, variable.Expr, v);
        string what = variable.IsColumn ? $"column '{UserText.Clip(((NameExpr)variable.Expr).Name)}'" : $"'{UserText.Clip(variable.Label)}'";
        if (!vc.IsCategorical)
        {
            if (v.Kind != ColumnKind.Numeric)
                throw new UserInputException($"{data.Source}: {what} is {(v.Kind == ColumnKind.Factor ? "text (a factor)" : "logical")} here, " +
                    $"but numeric in the data the model was fitted to{eval.TextHint(variable.Expr)}");
            return FrameVariable.OfNumbers(variable.Label, v.Numeric!.Select(x => double.IsNaN(x) ? 0 : x).ToArray());
        }
        var (codes, labels) = v.AsFactor();
        var levels = vc.Levels!;
        var index = new Dictionary<string, int>(levels.Length, StringComparer.Ordinal);
        for (int k = 0; k < levels.Length; k++) index[levels[k]] = k;
        var map = labels.Select(l => index.TryGetValue(l, out int k) ? k : -1).ToArray();
        var mapped = new int[codes.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            if (codes[i] < 0) continue;   // NA: marked missing, placeholder level 0
            mapped[i] = map[codes[i]];
            if (mapped[i] < 0)
                throw new UserInputException($"{data.Source}, row {i + 1}: {what} has the level '{UserText.Clip(labels[codes[i]])}', which the model was not " +
                    $"fitted with (its levels: {Preview(levels)})");
        }
        return FrameVariable.OfCodes(variable.Label, mapped, levels);
    }

    /// <summary>
    /// Each row's index into the term's levels (the grouping factors' labels joined by ':', as the frame names an
    /// interaction's levels), −1 for a combination the model does not have or an NA grouping value (flagged in the
    /// second array, null when there is none).
    /// </summary>
    private static (int[] Levels, bool[]? NaGrouping) Levels(ExprEvaluator eval, DataTable data, RandomEffectsTerm term)
    {
        var index = new Dictionary<string, int>(term.LevelCount, StringComparer.Ordinal);
        for (int k = 0; k < term.LevelCount; k++) index[term.Levels[k]] = k;
        var factors = term.Source.Grouping.Select(g => eval.Evaluate(g).AsFactor()).ToArray();
        int m = data.RowCount;
        var level = new int[m];
        bool[]? na = null;
        var parts = new string[factors.Length];
        var maps = factors.Select(f => f.Levels.Select(l => index.TryGetValue(l, out int k) ? k : -1).ToArray()).ToArray();
        for (int i = 0; i < m; i++)
        {
            if (factors.Any(f => f.Codes[i] < 0))
            {
                (na ??= new bool[m])[i] = true;
                level[i] = -1;
                continue;
            }
            if (factors.Length == 1) { level[i] = maps[0][factors[0].Codes[i]]; continue; }
            for (int f = 0; f < factors.Length; f++) parts[f] = factors[f].Levels[factors[f].Codes[i]];
            level[i] = index.TryGetValue(string.Join(":", parts), out int k) ? k : -1;
        }
        return (level, na);
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
