using FastGlmm.Data.Frame;

namespace FastGlmm.Likelihood;

/// <summary>
/// The θ-independent weighted cross-products of a linear mixed model, per independent block b:
/// Z_b'WZ_b (m_b × m_b), Z_b'WX (m_b × p), Z_b'Wy (m_b), and globally X'WX, X'Wy, y'Wy, where W holds
/// the prior weights and m_b = Σ q_t over the levels of block b. A block's random effects are laid out
/// level by level (in the order of <see cref="BlockPartition.LevelIds"/>), q_t entries per level.
/// </summary>
public sealed class LmmCrossProducts
{
    /// <summary>One block's products and the layout of its random effects.</summary>
    public sealed record Block(int Size, int[] SlotTerm, int[] SlotOffset, double[] ZtZ, double[] ZtX, double[] Zty);

    /// <summary>
    /// Computes the products for a frame (any family; the response is used as is). Blocks of at least
    /// <paramref name="crossedMinSize"/> random effects with a leading term are factored blocked
    /// (<see cref="CrossedBlock"/>); tests lower it to run the blocked path on small designs. Their rows are read from
    /// <paramref name="problem"/> (the frame packed), which is built here when not given and a block needs it.
    /// </summary>
    public LmmCrossProducts(ModelFrame frame, int crossedMinSize = CrossedBlock.MinSize, Model.GlmmProblem? problem = null)
    {
        int n = frame.RowCount, p = frame.X.Columns;
        var terms = frame.RandomTerms;
        var blocks = frame.Blocks;
        N = n; P = p;
        var w = frame.Response.WeightsArray;
        var y = frame.Response.Y;
        var x = frame.X.ValuesArray;
        var off = frame.Offset;
        // y is taken net of the offset, as lme4 does.
        var yy = new double[n];
        for (int i = 0; i < n; i++) yy[i] = y[i] - off[i];
        double ldw = 0;
        for (int i = 0; i < n; i++) ldw += Math.Log(w[i]);
        LogWeightSum = ldw;

        XtX = new double[p * p];
        Xty = new double[p];
        double yty = 0;
        for (int i = 0; i < n; i++)
        {
            double wi = w[i];
            yty += wi * yy[i] * yy[i];
            for (int j = 0; j < p; j++)
            {
                double xj = x[j * n + i] * wi;
                Xty[j] += xj * yy[i];
                for (int k = 0; k <= j; k++) XtX[k * p + j] += xj * x[k * n + i];
            }
        }
        for (int j = 0; j < p; j++) for (int k = 0; k < j; k++) XtX[j * p + k] = XtX[k * p + j];
        Yty = yty;

        // Local offset of every level id within its block.
        var tlo = blocks.TermLevelOffset.ToArray();
        int totalLevels = tlo[terms.Count];
        var localOffset = new int[totalLevels];
        var termOfId = new int[totalLevels];
        for (int t = 0; t < terms.Count; t++) for (int l = tlo[t]; l < tlo[t + 1]; l++) termOfId[l] = t;
        var result = new Block[blocks.Count];
        var crossed = new bool[blocks.Count];
        var ids = blocks.LevelIds;
        var lvOff = blocks.LevelOffsets;
        for (int b = 0; b < blocks.Count; b++)
        {
            int s0 = lvOff[b], s1 = lvOff[b + 1];
            var slotTerm = new int[s1 - s0];
            var slotOffset = new int[s1 - s0 + 1];
            for (int s = s0; s < s1; s++)
            {
                int id = ids[s];
                slotTerm[s - s0] = termOfId[id];
                localOffset[id] = slotOffset[s - s0];
                slotOffset[s - s0 + 1] = slotOffset[s - s0] + terms[termOfId[id]].ColumnCount;
            }
            int m = slotOffset[^1];
            int lead = terms.Count == 0 ? 0 : slotTerm.Count(t => t == 0) * terms[0].ColumnCount;
            crossed[b] = m >= crossedMinSize && lead > 0;
            result[b] = crossed[b] ? new Block(m, slotTerm, slotOffset, [], [], [])
                : new Block(m, slotTerm, slotOffset, new double[m * m], new double[m * p], new double[m]);
        }
        var patterns = new CrossedLayout?[blocks.Count];
        if (crossed.Any(x => x))
        {
            Problem = problem ?? new Model.GlmmProblem(frame);
            for (int b = 0; b < blocks.Count; b++) if (crossed[b]) patterns[b] = CrossedBlock.Pattern(Problem, b);
        }
        Patterns = patterns;
        Parallel.For(0, blocks.Count, b =>
        {
            if (crossed[b]) return;
            var blk = result[b];
            int m = blk.Size;
            Span<int> idx = stackalloc int[64];
            Span<double> val = stackalloc double[64];
            for (int i = blocks.RowOffsets[b]; i < blocks.RowOffsets[b + 1]; i++)
            {
                int k = 0;
                for (int t = 0; t < terms.Count; t++)
                {
                    var term = terms[t];
                    int q = term.ColumnCount;
                    int o = localOffset[tlo[t] + term.LevelOfRow[i]];
                    for (int c = 0; c < q; c++) { idx[k] = o + c; val[k] = term.Z[c * n + i]; k++; }
                }
                double wi = w[i];
                for (int a = 0; a < k; a++)
                {
                    double va = val[a] * wi;
                    if (va == 0) continue;
                    blk.Zty[idx[a]] += va * yy[i];
                    for (int j = 0; j < p; j++) blk.ZtX[j * m + idx[a]] += va * x[j * n + i];
                    for (int c = 0; c < k; c++) blk.ZtZ[idx[c] * m + idx[a]] += va * val[c];
                }
            }
        });
        Blocks = result;
    }

    /// <summary>
    /// Per block, the empty blocked factor (its pattern) when the block is large and crossed
    /// (<see cref="CrossedBlock"/>): its products are then formed from rows of ZΛ at each θ, and
    /// <see cref="Block.ZtZ"/>, <see cref="Block.ZtX"/> and <see cref="Block.Zty"/> are empty. Null otherwise.
    /// </summary>
    public IReadOnlyList<CrossedLayout?> Patterns { get; }

    /// <summary>The packed problem the crossed blocks read their rows from; null when there are none.</summary>
    public Model.GlmmProblem? Problem { get; }

    /// <summary>Rows n.</summary>
    public int N { get; }

    /// <summary>Fixed-effect columns p.</summary>
    public int P { get; }

    /// <summary>X'WX, p × p column-major.</summary>
    public double[] XtX { get; }

    /// <summary>X'W(y − offset), length p.</summary>
    public double[] Xty { get; }

    /// <summary>(y − offset)'W(y − offset).</summary>
    public double Yty { get; }

    /// <summary>Σ log w_i (lme4's ldW).</summary>
    public double LogWeightSum { get; }

    /// <summary>Per-block products.</summary>
    public IReadOnlyList<Block> Blocks { get; }
}
