using FastGlmm.Data.Frame;

namespace FastGlmm.Likelihood;

/// <summary>
/// The random-effects layout of each independent block: block b's spherical random effects u_b are
/// laid out slot by slot (one slot per random-effect level in the block, in the order of
/// <see cref="BlockPartition.LevelIds"/>), q_t entries per slot of term t, m_b = Σ q_t in all.
/// <see cref="LocalOffset"/> maps a level id to the start of its slot within its block.
/// </summary>
public sealed class BlockDesign
{
    /// <summary>Builds the layout for a frame.</summary>
    public BlockDesign(ModelFrame frame)
    {
        var terms = frame.RandomTerms;
        var blocks = frame.Blocks;
        var tlo = blocks.TermLevelOffset;
        int total = tlo[terms.Count];
        LocalOffset = new int[total];
        var termOfId = new int[total];
        for (int t = 0; t < terms.Count; t++) for (int l = tlo[t]; l < tlo[t + 1]; l++) termOfId[l] = t;
        Size = new int[blocks.Count];
        var ids = blocks.LevelIds;
        for (int b = 0; b < blocks.Count; b++)
        {
            int m = 0;
            for (int s = blocks.LevelOffsets[b]; s < blocks.LevelOffsets[b + 1]; s++)
            {
                LocalOffset[ids[s]] = m;
                m += terms[termOfId[ids[s]]].ColumnCount;
            }
            Size[b] = m;
        }
        TermLevelOffset = tlo.ToArray();
        MaxRowEntries = terms.Sum(t => t.ColumnCount);
    }

    /// <summary>m_b, the number of spherical random effects in block b.</summary>
    public int[] Size { get; }

    /// <summary>Start of each level's slot within its block, indexed by level id.</summary>
    public int[] LocalOffset { get; }

    /// <summary>Offsets of each term's levels in the level-id space (length terms + 1).</summary>
    public int[] TermLevelOffset { get; }

    /// <summary>Σ_t q_t: the number of nonzero entries of a row of Z (and of ZΛ).</summary>
    public int MaxRowEntries { get; }
}
