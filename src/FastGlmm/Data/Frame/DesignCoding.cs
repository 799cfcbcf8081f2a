using FastGlmm.Formula;

namespace FastGlmm.Data.Frame;

/// <summary>
/// How one variable of a term enters the model matrix: numeric (<see cref="Levels"/> null, one column) or
/// categorical with the levels of the rows the model was built from, coded by <see cref="Contrast"/>
/// (treatment: levels 2..K) or, when <see cref="FullCoding"/>, by one indicator per level (levels 1..K). A numeric
/// variable with a <see cref="Transform"/> (poly, scale) has the columns that transform, planned on the model's rows, gives.
/// </summary>
internal sealed record VariableCoding(Variable Variable, string[]? Levels, bool FullCoding,
    ContrastKind Contrast = ContrastKind.Treatment, NumericTransform? Transform = null)
{
    public bool IsCategorical => Levels is not null;
}

/// <summary>One term's variables in the term's order; its columns are their product, first variable fastest.</summary>
internal sealed record TermCoding(IReadOnlyList<VariableCoding> Variables);

/// <summary>
/// The recipe of a model matrix (R's <c>terms</c> plus the <c>xlev</c> and contrasts <c>model.matrix</c> used):
/// the intercept flag and, per term, each variable's coding. Applying it to other rows (new data) gives the
/// same columns in the same order, whatever levels those rows hold.
/// </summary>
internal sealed record DesignCoding(bool HasIntercept, IReadOnlyList<TermCoding> Terms)
{
    /// <summary>Every variable of the recipe once, by label.</summary>
    public IEnumerable<VariableCoding> DistinctVariables => Terms.SelectMany(t => t.Variables).DistinctBy(v => v.Variable.Label);
}

/// <summary>
/// What a <see cref="ModelFrame"/> needs to rebuild its predictor on other rows: the recipe of X and the
/// indices of the columns kept after dropping aliased ones, and the recipe of each random term's Z_t,
/// aligned with <see cref="ModelFrame.RandomTerms"/>.
/// </summary>
internal sealed record FrameCoding(DesignCoding Fixed, int[] KeptFixedColumns, IReadOnlyList<DesignCoding> Random);
