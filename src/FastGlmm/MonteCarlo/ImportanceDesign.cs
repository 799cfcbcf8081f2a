using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.MonteCarlo;

/// <summary>
/// The per-block layout Monte Carlo likelihood needs on top of a <see cref="GlmmProblem"/>: X row-major,
/// each block's random-effect levels (the term of each and the start of its slot in the block's vector b_b,
/// laid out as u is) and the number of levels of each term in each block. Block b's random effects are
/// b_b ∈ ℝ^{q_b}, q_b = UOffsets[b+1] − UOffsets[b], in absolute (not spherical) units: b = Λ(θ)u.
/// </summary>
public sealed class ImportanceDesign
{
    /// <summary>Builds the layout.</summary>
    public ImportanceDesign(GlmmProblem problem)
    {
        Problem = problem;
        int n = problem.N, p = problem.P;
        XRows = new double[(long)n * p];
        for (int j = 0; j < p; j++)
            for (int i = 0; i < n; i++) XRows[(long)i * p + j] = problem.X[(long)j * n + i];
        var frame = problem.Frame;
        var blocks = frame.Blocks;
        var design = new BlockDesign(frame);
        int terms = problem.Layout.TermCount;
        var termOfId = new int[design.TermLevelOffset[terms]];
        for (int t = 0; t < terms; t++)
            for (int l = design.TermLevelOffset[t]; l < design.TermLevelOffset[t + 1]; l++) termOfId[l] = t;
        LevelOffsets = blocks.LevelOffsets.ToArray();
        int levels = LevelOffsets[^1];
        LevelTerm = new int[levels];
        LevelSlot = new int[levels];
        TermLevels = new int[blocks.Count * terms];
        var ids = blocks.LevelIds;
        for (int b = 0; b < blocks.Count; b++)
            for (int s = LevelOffsets[b]; s < LevelOffsets[b + 1]; s++)
            {
                int t = termOfId[ids[s]];
                LevelTerm[s] = t;
                LevelSlot[s] = design.LocalOffset[ids[s]];
                TermLevels[b * terms + t]++;
            }
    }

    /// <summary>The packed problem.</summary>
    public GlmmProblem Problem { get; }

    /// <summary>X, n × p row-major.</summary>
    public double[] XRows { get; }

    /// <summary>Offsets of each block's levels in <see cref="LevelTerm"/> and <see cref="LevelSlot"/> (length blocks + 1).</summary>
    public int[] LevelOffsets { get; }

    /// <summary>The term of each level.</summary>
    public int[] LevelTerm { get; }

    /// <summary>The start of each level's q_t entries within its block's vector.</summary>
    public int[] LevelSlot { get; }

    /// <summary>n_{b,t}, levels of term t in block b, blocks × terms row-major.</summary>
    public int[] TermLevels { get; }

    /// <summary>q_b, the dimension of block b's random effects.</summary>
    public int Dimension(int block) => Problem.UOffsets[block + 1] - Problem.UOffsets[block];

    /// <summary>n_{b,t} for every term of block b.</summary>
    public ReadOnlySpan<int> Levels(int block) =>
        TermLevels.AsSpan(block * Problem.Layout.TermCount, Problem.Layout.TermCount);

    /// <summary>
    /// Writes the packed sufficient statistics S_t = Σ_{levels ℓ of t in the block} b_ℓ b_ℓ' (lower triangles,
    /// packed as θ) of one draw <paramref name="b"/> of block <paramref name="block"/>.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Statistics(int block, ReadOnlySpan<double> b, Span<double> stats)
    {
        stats.Clear();
        var layout = Problem.Layout;
        for (int s = LevelOffsets[block]; s < LevelOffsets[block + 1]; s++)
        {
            int t = LevelTerm[s], q = layout.Columns(t), o = layout.Offset(t), at = LevelSlot[s];
            for (int j = 0; j < q; j++)
                for (int i = j; i < q; i++) stats[o + PrecisionFactor.Index(q, i, j)] += b[at + i] * b[at + j];
        }
    }

    /// <summary>
    /// η_i = offset_i + x_i'β + Σ_e Z[i, e] b[slot(i, e)] for row <paramref name="row"/> of block b, given
    /// <paramref name="fixedPart"/> = offset_i + x_i'β.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public double Eta(int row, double fixedPart, ReadOnlySpan<double> b)
    {
        int k = Problem.K;
        long o = (long)row * k;
        double eta = fixedPart;
        for (int e = 0; e < k; e++) eta += Problem.Z[o + e] * b[Problem.Slot[o + e]];
        return eta;
    }
}
