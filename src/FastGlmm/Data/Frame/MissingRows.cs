using FastGlmm.Formula;

namespace FastGlmm.Data.Frame;

/// <summary>
/// While a predictor is evaluated on new data: the rows that hold an NA in a column the prediction needs (their
/// prediction is NA, as lme4's <c>predict</c> with <c>na.action = na.pass</c> gives), and those columns in the order
/// they were met.
/// </summary>
internal sealed class MissingRows(int rows)
{
    private readonly List<string> _columns = [];

    /// <summary>Per row: true when some needed value is NA there.</summary>
    public bool[] Rows { get; } = new bool[rows];

    /// <summary>The columns (or, for an NA made by an expression, the expression) NA at some marked row.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>Marks every row where <paramref name="v"/>, the value of <paramref name="e"/>, is NA, and records the
    /// columns of <paramref name="e"/> that are NA there.</summary>
    public void Mark(ExprEvaluator eval, Expr e, VariableValue v)
    {
        for (int i = 0; i < v.Length; i++)
        {
            if (!v.IsMissing(i)) continue;
            Rows[i] = true;
            var columns = e.Names().Select(eval.Lookup).Where(c => c.IsMissing(i)).Select(c => c.Name).ToList();
            if (columns.Count == 0) columns.Add(e.Deparse());
            foreach (var c in columns)
                if (!_columns.Contains(c)) _columns.Add(c);
        }
    }
}
