using FastGlmm.Families;
using FastGlmm.Formula;

namespace FastGlmm.Data.Frame;

/// <summary>
/// Builds a <see cref="ModelFrame"/>: evaluates every variable, keeps complete cases, reads the
/// response, builds X (dropping aliased columns) and each random-effects term, checks
/// identifiability, partitions the rows into independent blocks and sorts all arrays by block.
/// </summary>
internal static class ModelFrameBuilder
{
    public static ModelFrame Build(DataTable data, ModelFormula formula, ModelFrameOptions options)
    {
        var messages = new List<string>();
        formula = WithoutResponseOnRight(formula, messages);
        var eval = new ExprEvaluator(data, formula.Text);
        var response = new ResponseReader(eval, formula, options.Family, data.Source);
        var (y, trials, responseParts) = response.Read();

        // Every variable the formula uses; a row is kept when none of them is NA.
        var used = new List<VariableValue>(responseParts);
        var fixedVars = formula.Fixed.Terms.SelectMany(t => t.Variables).DistinctBy(v => v.Label).ToList();
        var randomVars = formula.RandomTerms.SelectMany(r => r.Lhs.Terms).SelectMany(t => t.Variables).DistinctBy(v => v.Label).ToList();
        var values = new Dictionary<string, VariableValue>(StringComparer.Ordinal);
        foreach (var v in fixedVars.Concat(randomVars))
        {
            if (values.ContainsKey(v.Label)) continue;
            used.Add(values[v.Label] = eval.Evaluate(v.Expr));
            if (eval.TextHint(v.Expr) is { Length: > 0 } hint)
                throw new FormulaException(formula.Text, v.Expr.Start, v.Expr.End,
                    $"term '{v.Label}' looks numeric but is a factor{hint}; fix the value, or write factor({v.Label}) if it is categorical");
        }
        var offsets = formula.Offsets.Select(o => eval.Numeric(((CallExpr)o).Args[0])).ToList();
        used.AddRange(offsets.Select(VariableValue.FromNumeric));
        var groups = new Dictionary<string, VariableValue>(StringComparer.Ordinal);
        foreach (var g in formula.RandomTerms.SelectMany(r => r.Grouping).DistinctBy(g => g.Name))
            used.Add(groups[g.Name] = eval.Evaluate(g));
        double[]? priorWeights = null;
        if (options.WeightsColumn is { } wname)
        {
            if (!data.TryGetColumn(wname, out var wc) || wc is not NumericColumn wn)
                throw new UserInputException(data.TryGetColumn(wname, out _)
                    ? $"{data.Source}: weights column '{UserText.Clip(wname)}' is not numeric"
                    : $"{data.Source}: no weights column '{UserText.Clip(wname)}'");
            priorWeights = wn.Values.ToArray();
            used.Add(VariableValue.FromNumeric(priorWeights));
        }
        var contrastOf = ContrastLookup(options.Contrasts, fixedVars.Concat(randomVars), values);
        Diagnostics.StageTrace.Mark("frame: variables evaluated");
        eval.CheckColumnsFinite(fixedVars.Concat(randomVars).Select(v => v.Expr).OfType<NameExpr>());

        int nIn = data.RowCount;
        var rows = CompleteRows(y, used, nIn);
        int n = rows.Length;
        if (n < nIn) messages.Add($"{nIn - n} of {nIn} rows dropped because a variable in the formula is NA there");
        if (n == 0) throw new UserInputException($"{data.Source}: no complete rows remain for the variables in the formula");

        // Prior weights × binomial trials (null: all 1).
        double[]? weights = null;
        if (priorWeights is not null || trials is not null)
        {
            weights = new double[nIn];
            for (int i = 0; i < nIn; i++) weights[i] = (priorWeights?[i] ?? 1.0) * (trials?[i] ?? 1.0);
        }
        if (priorWeights is not null)
            foreach (int i in rows)
                if (!(priorWeights[i] >= 0) || !double.IsFinite(priorWeights[i]))
                    throw new UserInputException($"{data.Source}, row {i + 1}: weight {options.WeightsColumn} = {priorWeights[i]}; weights must be finite and ≥ 0");
        Diagnostics.StageTrace.Mark("frame: complete rows found");
        messages.AddRange(response.Validate(y, trials, weights, rows));
        if (weights is not null) rows = WithoutZeroWeights(rows, weights, data.Source, options.WeightsColumn, trials is not null, messages);
        n = rows.Length;
        Diagnostics.StageTrace.Mark("frame: response validated");

        // The grouping factors decide the independent blocks, and so the frame's row order (block order); every
        // per-row array below is then built in that order directly, from the input rows inputRow[i].
        var (groupings, termOrder) = RandomTermBuilder.Groupings(formula, groups, rows);
        var (blocks, order) = BlockPartition.Build(termOrder.Select(k => groupings[k].LevelOfRow).ToList(),
            termOrder.Select(k => groupings[k].Levels.Length).ToList(), n);
        var inputRow = Permute(rows, order);
        rows = null!;
        for (int k = 0; k < groupings.Count; k++) groupings[k] = (groupings[k].Levels, Permute(groupings[k].LevelOfRow, order));
        order = null!;
        Diagnostics.ProcessMemory.Release(); // the input-order arrays above are garbage: at 10⁸ rows, gigabytes
        Diagnostics.StageTrace.Mark("frame: blocks partitioned");
        // Unit weights and every intercept-only Z_t share one array of ones (never written).
        var ones = weights is null ? Ones(n) : null;

        // Fixed effects.
        var frameVars = new Dictionary<string, FrameVariable>(StringComparer.Ordinal);
        FrameVariable Get(Variable v) => frameVars.TryGetValue(v.Label, out var fv) ? fv
            : frameVars[v.Label] = FrameVariable.Subset(v.Label, values[v.Label], inputRow);
        var (x, fixedCoding) = DesignMatrixBuilder.Build(formula.Fixed, Get, n, formula.Text, contrastOf: contrastOf);
        Diagnostics.StageTrace.Mark("frame: X built");
        var aliased = RankCheck.AliasedColumns(x);
        var keptColumns = Enumerable.Range(0, x.Columns).Except(aliased).ToArray();
        var droppedNames = aliased.Select(j => x.Names[j]).ToArray();
        if (aliased.Length > 0)
        {
            var names = droppedNames;
            messages.Add($"fixed-effect model matrix is rank deficient so dropping {names.Length} column{(names.Length == 1 ? "" : "s")} / coefficient{(names.Length == 1 ? "" : "s")}: {string.Join(", ", names)}");
            x = KeepColumns(x, keptColumns);
        }
        Diagnostics.StageTrace.Mark("frame: rank checked");

        // Random effects, in lme4's term order.
        var terms = RandomTermBuilder.Build(formula, groupings, termOrder, Get, n, options.Family, ones, contrastOf);
        frameVars.Clear();
        Diagnostics.StageTrace.Mark("frame: random terms built");

        var yOut = Gather(y, inputRow);
        var wOut = ones ?? Gather(weights!, inputRow);
        double[]? offset = null;
        if (offsets.Count > 0)
        {
            offset = new double[n];
            foreach (var o in offsets) for (int i = 0; i < n; i++) offset[i] += o[inputRow[i]];
        }
        var reTerms = terms.Select(t => new RandomEffectsTerm(t.Source, t.Group, t.ColumnNames, t.Levels, t.LevelOfRow, t.Z)).ToList();
        var coding = new FrameCoding(fixedCoding, keptColumns, terms.Select(t => t.Coding).ToArray());
        return new ModelFrame(formula, options.Family, nIn, inputRow,
            new ResponseData(formula.Response!.Deparse(), response.Description, yOut, wOut), offset,
            new FixedDesign(x.Values, n, x.Names, droppedNames), reTerms, blocks, messages, coding);
    }

    /// <summary>
    /// The contrast of each variable: the one given for its column (the variable itself, or col in factor(col)), else
    /// treatment. A column given that the model does not use as a factor is an error naming it.
    /// </summary>
    private static Func<Variable, ContrastKind>? ContrastLookup(IReadOnlyDictionary<string, ContrastKind>? contrasts,
        IEnumerable<Variable> variables, Dictionary<string, VariableValue> values)
    {
        if (contrasts is null || contrasts.Count == 0) return null;
        static string Column(Variable v) => v.Expr is CallExpr { Function: "factor", Args: [NameExpr n] } ? n.Name : v.Label;
        var vars = variables.ToList();
        foreach (var column in contrasts.Keys)
        {
            var matching = vars.Where(v => Column(v) == column).ToList();
            if (matching.Count == 0)
                throw new UserInputException($"contrasts for '{UserText.Clip(column)}': the formula uses no variable of that name");
            if (matching.FirstOrDefault(v => !values[v.Label].IsCategorical) is { } numeric)
                throw new UserInputException($"contrasts for '{UserText.Clip(column)}': '{numeric.Label}' is numeric, and contrasts code factors (write factor({column}), or --factor {column})");
        }
        return v => contrasts.TryGetValue(Column(v), out var k) ? k : ContrastKind.Treatment;
    }

    /// <summary>The input rows where the response and every variable the formula uses are present (ascending).</summary>
    private static int[] CompleteRows(double[] y, List<VariableValue> used, int nIn)
    {
        var ok = new bool[nIn];
        int count = 0;
        for (int i = 0; i < nIn; i++)
        {
            bool keep = !double.IsNaN(y[i]);
            for (int k = 0; keep && k < used.Count; k++) keep = !used[k].IsMissing(i);
            ok[i] = keep;
            if (keep) count++;
        }
        var rows = new int[count];
        for (int i = 0, r = 0; i < nIn; i++) if (ok[i]) rows[r++] = i;
        return rows;
    }

    private static double[] Ones(int n)
    {
        var a = new double[n];
        Array.Fill(a, 1.0);
        return a;
    }

    /// <summary>
    /// The formula without fixed-effect terms that use the response itself, as R's <c>model.matrix</c> drops them
    /// ("the response appeared on the right-hand side and was dropped"), with that warning in <paramref name="messages"/>.
    /// </summary>
    private static ModelFormula WithoutResponseOnRight(ModelFormula formula, List<string> messages)
    {
        if (formula.Response is not { } r) return formula;
        string label = r.Deparse();
        var kept = formula.Fixed.Terms.Where(t => t.Variables.All(v => v.Label != label)).ToList();
        if (kept.Count == formula.Fixed.Terms.Count) return formula;
        var dropped = formula.Fixed.Terms.Except(kept).Select(t => t.Label);
        messages.Add($"warning: the response appeared on the right-hand side and was dropped (term{(formula.Fixed.Terms.Count - kept.Count == 1 ? "" : "s")} {string.Join(", ", dropped)})");
        return formula with { Fixed = formula.Fixed with { Terms = kept } };
    }

    /// <summary>
    /// The rows whose weight (prior weight × binomial trials) is positive. A row of weight 0 adds nothing to the
    /// likelihood but −∞ to a linear mixed model's Σ log w (lme4 then reports logLik −Inf), so it is left out, as
    /// R's <c>glm</c> leaves such rows out of its degrees of freedom; a note says how many. No positive weight is an error.
    /// </summary>
    private static int[] WithoutZeroWeights(int[] rows, double[] weights, string source, string? column, bool binomialTotals, List<string> messages)
    {
        var kept = rows.Where(i => weights[i] > 0).ToArray();
        if (kept.Length == rows.Length) return rows;
        string what = column is null ? "binomial totals" : binomialTotals ? $"weight ({column} × binomial totals)" : $"weight {column}";
        if (kept.Length == 0)
            throw new UserInputException($"{source}: every row has {what} 0; the model has no information to fit");
        messages.Add($"{rows.Length - kept.Length} of {rows.Length} rows have {what} 0 and were left out (they carry no information)");
        return kept;
    }

    /// <summary>The columns <paramref name="keep"/> of <paramref name="x"/>, in that order.</summary>
    internal static DesignMatrix KeepColumns(DesignMatrix x, int[] keep)
    {
        var v = new double[(long)x.Rows * keep.Length];
        for (int k = 0; k < keep.Length; k++) x.Column(keep[k]).CopyTo(v.AsSpan(k * x.Rows, x.Rows));
        return new DesignMatrix(v, x.Rows, keep.Select(j => x.Names[j]).ToArray());
    }

    private static int[] Permute(int[] a, int[] order)
    {
        var r = new int[order.Length];
        for (int i = 0; i < r.Length; i++) r[i] = a[order[i]];
        return r;
    }

    private static double[] Gather(double[] a, int[] idx)
    {
        var r = new double[idx.Length];
        for (int i = 0; i < r.Length; i++) r[i] = a[idx[i]];
        return r;
    }
}
