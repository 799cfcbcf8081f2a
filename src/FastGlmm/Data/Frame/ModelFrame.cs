using FastGlmm.Families;
using FastGlmm.Formula;

namespace FastGlmm.Data.Frame;

/// <summary>Options for building a <see cref="ModelFrame"/>.</summary>
public sealed record ModelFrameOptions
{
    /// <summary>The response family and link; it decides how the response is read (e.g. cbind for binomial).</summary>
    public FamilySpec Family { get; init; } = FamilySpec.Gaussian;

    /// <summary>Name of a column of prior weights (R's <c>weights =</c>), or null for unit weights.</summary>
    public string? WeightsColumn { get; init; }

    /// <summary>
    /// Contrasts by factor column (R's <c>contrasts = list(col = "contr.sum")</c>), applied wherever the column (or
    /// <c>factor(col)</c>) is contrast-coded, in fixed and random terms; treatment for the others. Every key must be a
    /// factor of the model.
    /// </summary>
    public IReadOnlyDictionary<string, ContrastKind>? Contrasts { get; init; }
}

/// <summary>
/// Everything a fit needs, built from a formula and a table, with rows sorted by independent block:
/// n rows (complete cases over the variables the formula uses), the response y with prior weights w,
/// an optional offset, the fixed-effects design X (n × p, column-major, R's names, aliased columns
/// dropped) and, per random-effects term, the grouping level of every row and the term's model
/// matrix Z_t (n × q_t). <see cref="Blocks"/> partitions the rows (CSR offsets) into the connected
/// components of the random-effect levels; the marginal likelihood factorizes over them.
/// </summary>
public sealed class ModelFrame
{
    internal ModelFrame(ModelFormula formula, FamilySpec family, int inputRows, int[] inputRow,
        ResponseData response, double[]? offset, FixedDesign x, IReadOnlyList<RandomEffectsTerm> random,
        BlockPartition blocks, IReadOnlyList<string> messages, FrameCoding coding)
    {
        Formula = formula; Family = family; InputRowCount = inputRows; _inputRow = inputRow;
        Response = response; _offset = offset; X = x; RandomTerms = random; Blocks = blocks; Messages = messages;
        Coding = coding;
    }

    private readonly int[] _inputRow;
    private readonly double[]? _offset;
    private double[]? _zeroOffset;

    /// <summary>The offset array itself (shared, never written): the summed offset terms, or one array of zeros made once.</summary>
    internal double[] OffsetArray => _offset ?? (_zeroOffset ??= new double[RowCount]);

    /// <summary>The frame-row to input-row map itself (shared, never written).</summary>
    internal int[] InputRowArray => _inputRow;

    /// <summary>Builds the frame; errors are <see cref="UserInputException"/>s naming the term, column or row.</summary>
    public static ModelFrame Build(DataTable data, string formula, ModelFrameOptions? options = null) =>
        ModelFrameBuilder.Build(data, ModelFormula.Parse(formula), options ?? new ModelFrameOptions());

    /// <summary>Builds the frame from an already parsed formula.</summary>
    public static ModelFrame Build(DataTable data, ModelFormula formula, ModelFrameOptions? options = null) =>
        ModelFrameBuilder.Build(data, formula, options ?? new ModelFrameOptions());

    /// <summary>The parsed formula.</summary>
    public ModelFormula Formula { get; }

    /// <summary>The family and link the response was read for.</summary>
    public FamilySpec Family { get; }

    /// <summary>Rows in the input table.</summary>
    public int InputRowCount { get; }

    /// <summary>Rows used, n.</summary>
    public int RowCount => _inputRow.Length;

    /// <summary>Rows dropped because a variable the formula uses is NA there.</summary>
    public int DroppedRowCount => InputRowCount - RowCount;

    /// <summary>For each frame row (block order), its 0-based row in the input table.</summary>
    public ReadOnlySpan<int> InputRow => _inputRow;

    /// <summary>The response y (n) and prior weights w (n).</summary>
    public ResponseData Response { get; }

    /// <summary>True when the formula has offset() terms.</summary>
    public bool HasOffset => _offset is not null;

    /// <summary>The summed offset terms (n), all zero when there are none.</summary>
    public ReadOnlySpan<double> Offset => OffsetArray;

    /// <summary>The fixed-effects design.</summary>
    public FixedDesign X { get; }

    /// <summary>The random-effects terms in lme4's order (terms with more levels first when lme4 reorders).</summary>
    public IReadOnlyList<RandomEffectsTerm> RandomTerms { get; }

    /// <summary>The independent-block partition of the rows and random-effect levels.</summary>
    public BlockPartition Blocks { get; }

    /// <summary>Notes for the user: dropped rows, dropped columns, non-integer counts.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>The recipes of X and of each Z_t (levels, contrasts, kept columns), for rebuilding them on new data.</summary>
    internal FrameCoding Coding { get; }

    /// <summary>
    /// The frame's own predictor, frame (block) order: its offset, X and, per random term, Z_t and each row's
    /// level. The arrays are the frame's, not copies.
    /// </summary>
    public PredictorRows Predictors() => new(RowCount, OffsetArray, X,
        RandomTerms.Select(t => new PredictorTermRows(t.LevelArray, t.ZArray, t.ColumnCount)).ToArray());

    /// <summary>
    /// The frame's predictor evaluated on the rows of <paramref name="newData"/> (m rows, in the table's order),
    /// as lme4's <c>predict(…, newdata)</c> builds it: X from the frame's recipe, so factors are coded by the
    /// levels and contrasts of the rows the model was built from, whatever the new table's own level sets are;
    /// each Z_t likewise; offsets from the formula's offset() terms; the response and weights are not read.
    /// <paramref name="parts"/> says how much is built, and only the columns those parts use must be present.
    /// A grouping level that the frame does not have, or an NA grouping value, gets level −1 (its random effects are
    /// taken as 0: lme4's <c>allow.new.levels = TRUE</c>). A row with an NA in a needed variable or offset is flagged in
    /// <see cref="PredictorRows.Missing"/> (lme4's <c>na.action = na.pass</c>: its prediction is NA).
    /// </summary>
    /// <exception cref="UserInputException">A needed column is missing (naming it); a factor holds a level the frame's
    /// rows do not have (naming the column and the level); a column is a factor where the model has a number.</exception>
    public PredictorRows PredictorsFor(DataTable newData, PredictorParts parts) => PredictorRowsBuilder.Build(this, newData, parts);

    /// <summary>
    /// The same frame with new responses <paramref name="y"/> (n, frame order; for binomial, proportions
    /// with the same trials), e.g. a simulated replicate. Everything else is shared.
    /// </summary>
    public ModelFrame WithResponse(double[] y)
    {
        if (y.Length != RowCount) throw new ArgumentException($"expected {RowCount} responses, got {y.Length}", nameof(y));
        return new ModelFrame(Formula, Family, InputRowCount, _inputRow,
            new ResponseData(Response.Label, Response.Description, y, Response.WeightsArray), _offset, X, RandomTerms, Blocks, Messages, Coding);
    }
}

/// <summary>
/// The response: <see cref="Y"/> (n) and prior weights <see cref="Weights"/> (n). For binomial,
/// y is the proportion of successes and the weights are the trials times any prior weights.
/// </summary>
public sealed class ResponseData(string label, string description, double[] y, double[] weights)
{
    /// <summary>The response expression as written, e.g. <c>cbind(incidence, size - incidence)</c>.</summary>
    public string Label { get; } = label;

    /// <summary>How the response was read, e.g. "proportion of successes, weights = trials".</summary>
    public string Description { get; } = description;

    /// <summary>Responses, frame order.</summary>
    public ReadOnlySpan<double> Y => y;

    /// <summary>Prior weights, frame order.</summary>
    public ReadOnlySpan<double> Weights => weights;

    /// <summary>The response array itself (shared, never written).</summary>
    internal double[] YArray => y;

    /// <summary>The weights array itself (shared, never written).</summary>
    internal double[] WeightsArray => weights;
}

/// <summary>The fixed-effects model matrix X: n × p, column-major, with R's column names.</summary>
public sealed class FixedDesign(double[] values, int rows, string[] names, string[] dropped)
{
    /// <summary>Rows n.</summary>
    public int Rows { get; } = rows;

    /// <summary>Columns p (after dropping aliased columns).</summary>
    public int Columns => names.Length;

    /// <summary>Column names in order, e.g. (Intercept), period2, lbase:trtprogabide.</summary>
    public IReadOnlyList<string> ColumnNames => names;

    /// <summary>Columns removed because they were aliased (rank deficiency), in original order.</summary>
    public IReadOnlyList<string> DroppedColumns => dropped;

    /// <summary>All values, column-major: element (i, j) is at j·n + i.</summary>
    public ReadOnlySpan<double> Values => values;

    /// <summary>Column j (length n).</summary>
    public ReadOnlySpan<double> Column(int j) => values.AsSpan(j * Rows, Rows);

    /// <summary>The values array itself (shared, never written).</summary>
    internal double[] ValuesArray => values;
}

/// <summary>
/// One random-effects term: the grouping factor's level for every row and the term's model matrix
/// Z_t (n × q, column-major); the row's random-effect contribution is Z_t[i, :] · b[level(i), :].
/// </summary>
public sealed class RandomEffectsTerm(RandomTerm source, string group, string[] columnNames,
    string[] levels, int[] levelOfRow, double[] z)
{
    /// <summary>The formula term after lme4's expansions.</summary>
    public RandomTerm Source { get; } = source;

    /// <summary>The grouping factor's name, e.g. herd or period:herd.</summary>
    public string Group { get; } = group;

    /// <summary>The term's columns, e.g. (Intercept), Days.</summary>
    public IReadOnlyList<string> ColumnNames { get; } = columnNames;

    /// <summary>q, the number of columns.</summary>
    public int ColumnCount => ColumnNames.Count;

    /// <summary>The grouping levels that occur in the rows used, in level order.</summary>
    public IReadOnlyList<string> Levels { get; } = levels;

    /// <summary>Number of levels.</summary>
    public int LevelCount => Levels.Count;

    /// <summary>The level index of each frame row.</summary>
    public ReadOnlySpan<int> LevelOfRow => levelOfRow;

    /// <summary>Z_t, n × q column-major.</summary>
    public ReadOnlySpan<double> Z => z;

    internal int[] LevelArray => levelOfRow;
    internal double[] ZArray => z;

    /// <summary>lme4's rendering, e.g. (1 + Days | Subject).</summary>
    public override string ToString() => Source.ToString();
}
