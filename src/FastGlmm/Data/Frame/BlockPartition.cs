namespace FastGlmm.Data.Frame;

/// <summary>
/// The independent blocks of a mixed model: connected components of the graph whose nodes are the
/// random-effect levels of all terms, two levels being joined when an observation has both.
/// Rows are sorted by block; block b holds rows [RowOffsets[b], RowOffsets[b+1]) and the levels
/// LevelIds[LevelOffsets[b] .. LevelOffsets[b+1]), where a level id is TermLevelOffset[t] + level.
/// Blocks are numbered by their smallest level id, so with one grouping factor block b is level b.
/// </summary>
public sealed class BlockPartition
{
    private readonly int[] _rowOffsets, _levelOffsets, _levelIds, _termLevelOffset, _blockOfLevel;

    private BlockPartition(int[] rowOffsets, int[] levelOffsets, int[] levelIds, int[] termLevelOffset, int[] blockOfLevel)
    {
        _rowOffsets = rowOffsets; _levelOffsets = levelOffsets; _levelIds = levelIds;
        _termLevelOffset = termLevelOffset; _blockOfLevel = blockOfLevel;
    }

    /// <summary>Number of blocks.</summary>
    public int Count => _rowOffsets.Length - 1;

    /// <summary>CSR row offsets, length Count + 1.</summary>
    public ReadOnlySpan<int> RowOffsets => _rowOffsets;

    /// <summary>CSR offsets into <see cref="LevelIds"/>, length Count + 1.</summary>
    public ReadOnlySpan<int> LevelOffsets => _levelOffsets;

    /// <summary>Level ids grouped by block (ascending within a block).</summary>
    public ReadOnlySpan<int> LevelIds => _levelIds;

    /// <summary>Offset of term t's levels in the level-id space, length terms + 1.</summary>
    public ReadOnlySpan<int> TermLevelOffset => _termLevelOffset;

    /// <summary>The block of level <paramref name="level"/> of term <paramref name="term"/>.</summary>
    public int BlockOf(int term, int level) => _blockOfLevel[_termLevelOffset[term] + level];

    /// <summary>Rows in block b.</summary>
    public int RowCount(int b) => _rowOffsets[b + 1] - _rowOffsets[b];

    /// <summary>Random-effect levels (over all terms) in block b.</summary>
    public int LevelCount(int b) => _levelOffsets[b + 1] - _levelOffsets[b];

    /// <summary>The largest number of rows in one block.</summary>
    public int LargestBlockRows => Enumerable.Range(0, Count).Select(RowCount).DefaultIfEmpty(0).Max();

    /// <summary>The largest number of levels in one block.</summary>
    public int LargestBlockLevels => Enumerable.Range(0, Count).Select(LevelCount).DefaultIfEmpty(0).Max();

    /// <summary>
    /// Partitions n rows given each term's level per row (<paramref name="levelOfRow"/>[t][i]) and level
    /// counts. Returns the partition and the stable row permutation (new position → old row).
    /// With no terms, all rows form one block.
    /// </summary>
    internal static (BlockPartition Partition, int[] Order) Build(IReadOnlyList<int[]> levelOfRow, IReadOnlyList<int> levelCounts, int n)
    {
        int terms = levelOfRow.Count;
        var termOffset = new int[terms + 1];
        for (int t = 0; t < terms; t++) termOffset[t + 1] = termOffset[t] + levelCounts[t];
        int total = termOffset[terms];
        if (terms == 0)
            return (new BlockPartition([0, n], [0, 0], [], [0], []), Enumerable.Range(0, n).ToArray());

        var parent = Enumerable.Range(0, total).ToArray();
        int Find(int a) { while (parent[a] != a) { parent[a] = parent[parent[a]]; a = parent[a]; } return a; }
        for (int i = 0; i < n; i++)
        {
            int r0 = Find(termOffset[0] + levelOfRow[0][i]);
            for (int t = 1; t < terms; t++)
            {
                int r = Find(termOffset[t] + levelOfRow[t][i]);
                if (r == r0) continue;
                if (r < r0) (r, r0) = (r0, r);
                parent[r] = r0; // the root is always the smallest id in its component
            }
        }
        // Number components by their smallest level id (the root).
        var blockOfRoot = new int[total];
        Array.Fill(blockOfRoot, -1);
        int count = 0;
        var blockOfLevel = new int[total];
        for (int id = 0; id < total; id++)
        {
            int root = Find(id);
            if (blockOfRoot[root] < 0) blockOfRoot[root] = count++;
            blockOfLevel[id] = blockOfRoot[root];
        }
        var levelOffsets = new int[count + 1];
        foreach (var b in blockOfLevel) levelOffsets[b + 1]++;
        for (int b = 0; b < count; b++) levelOffsets[b + 1] += levelOffsets[b];
        var levelIds = new int[total];
        var fill = levelOffsets[..count].ToArray();
        for (int id = 0; id < total; id++) levelIds[fill[blockOfLevel[id]]++] = id;

        var rowOffsets = new int[count + 1];
        var rowBlock = new int[n];
        for (int i = 0; i < n; i++) { rowBlock[i] = blockOfLevel[termOffset[0] + levelOfRow[0][i]]; rowOffsets[rowBlock[i] + 1]++; }
        for (int b = 0; b < count; b++) rowOffsets[b + 1] += rowOffsets[b];
        var order = new int[n];
        fill = rowOffsets[..count].ToArray();
        for (int i = 0; i < n; i++) order[fill[rowBlock[i]]++] = i;
        return (new BlockPartition(rowOffsets, levelOffsets, levelIds, termOffset, blockOfLevel), order);
    }
}
