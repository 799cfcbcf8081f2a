using FastGlmm.Data.Frame;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>
/// The tree of random effects in each independent block of a model whose scalar random-effects terms have grouping
/// factors nested in one another, as <c>(1 | a/b)</c> or <c>(1 | a/b/c)</c> give: depth d holds term
/// <see cref="TermOrder"/>[d] (coarsest factor first), each block has one root (a level of the coarsest factor), and a
/// level at depth d has one parent, the level of depth d − 1 that all its rows share.
/// <para>
/// Within a block the nodes are numbered in pre-order (a node before its descendants, siblings by block-local slot),
/// so the subtree of the node at position p is the positions [p, <see cref="End"/>[p]), and its rows (rows sorted by
/// their deepest node) are the contiguous range [<see cref="RowStart"/>[p], <see cref="RowEnd"/>[p]) of
/// <see cref="Rows"/>. All position arrays are block-major at <see cref="GlmmProblem.UOffsets"/>, all row arrays at
/// <see cref="GlmmProblem.RowOffsets"/>; positions and row indices inside them are block-local.
/// </para>
/// </summary>
public sealed class NestedHierarchy
{
    /// <summary>The most nested levels of random effects (the quadrature costs K^depth inner solves per root).</summary>
    public const int MaxDepth = 3;

    /// <summary>Builds the trees of <paramref name="problem"/>; throws <see cref="UserInputException"/> when its terms are not nested scalars.</summary>
    public NestedHierarchy(GlmmProblem problem)
    {
        TermOrder = CheckedTermOrder(problem.Frame);
        int depth = Depth, nb = problem.BlockCount, k = problem.K;
        int total = problem.TotalRandomEffects;
        NodeDepth = new int[total];
        End = new int[total];
        RowStart = new int[total];
        RowEnd = new int[total];
        SlotOfPosition = new int[total];
        Ancestor = new int[total * depth];
        Rows = new int[problem.N];
        RowPath = new int[problem.N * depth];
        var depthOfSlot = new int[total];
        var parentOfSlot = new int[total];
        for (int b = 0; b < nb; b++)
        {
            int uLo = problem.UOffsets[b], m = problem.UOffsets[b + 1] - uLo, r0 = problem.RowOffsets[b], r1 = problem.RowOffsets[b + 1];
            var dos = depthOfSlot.AsSpan(uLo, m);
            var pos = parentOfSlot.AsSpan(uLo, m);
            pos.Fill(-1);
            for (int i = r0; i < r1; i++)
                for (int d = 0; d < depth; d++)
                {
                    int s = problem.Slot[(long)i * k + TermOrder[d]];
                    dos[s] = d;
                    if (d > 0) pos[s] = problem.Slot[(long)i * k + TermOrder[d - 1]];
                }
            BuildBlock(problem, b, dos, pos);
        }
    }

    /// <summary>Term indices from the coarsest grouping factor (depth 0) to the finest.</summary>
    public int[] TermOrder { get; }

    /// <summary>Levels of nesting D (the number of terms).</summary>
    public int Depth => TermOrder.Length;

    /// <summary>Depth of the node at each pre-order position.</summary>
    public int[] NodeDepth { get; }

    /// <summary>One past the last position of each node's subtree.</summary>
    public int[] End { get; }

    /// <summary>First row (into <see cref="Rows"/>, block-local) of each node's subtree.</summary>
    public int[] RowStart { get; }

    /// <summary>One past the last row of each node's subtree.</summary>
    public int[] RowEnd { get; }

    /// <summary>The block-local u slot of each position.</summary>
    public int[] SlotOfPosition { get; }

    /// <summary>Per position p and depth d ≤ depth(p), the position of p's ancestor at depth d (p itself at its own depth); positions × D.</summary>
    public int[] Ancestor { get; }

    /// <summary>The block's rows (problem row indices) sorted by the pre-order position of their deepest node.</summary>
    public int[] Rows { get; }

    /// <summary>Per sorted row r and depth d, the position of the row's node at depth d; rows × D.</summary>
    public int[] RowPath { get; }

    /// <summary>
    /// The terms from the coarsest grouping factor to the finest, when every term is scalar (one column), no two share
    /// a grouping factor, there are at most <see cref="MaxDepth"/>, and each level of a finer factor lies within one
    /// level of the next coarser; otherwise throws a one-line <see cref="UserInputException"/> saying which condition fails.
    /// </summary>
    public static int[] CheckedTermOrder(ModelFrame frame)
    {
        var terms = frame.RandomTerms;
        const string laplace = "; use the Laplace approximation (nAGQ = 1)";
        foreach (var t in terms)
            if (t.ColumnCount != 1)
                throw new UserInputException($"nAGQ > 1 with several grouping factors integrates nested scalar terms such as (1 | a/b), but {t} has {t.ColumnCount} columns{laplace}");
        var groups = terms.Select(t => t.Group).ToList();
        if (groups.Distinct().Count() != groups.Count)
            throw new UserInputException($"nAGQ > 1 with several grouping factors needs one term per factor, but {groups.GroupBy(g => g).First(g => g.Count() > 1).Key} has several{laplace}");
        if (terms.Count > MaxDepth)
            throw new UserInputException($"nAGQ > 1 integrates at most {MaxDepth} nested levels of random effects; this model has {terms.Count} ({string.Join(", ", groups)}){laplace}");
        var order = Enumerable.Range(0, terms.Count).OrderBy(t => terms[t].LevelCount).ToArray();
        for (int d = 1; d < order.Length; d++)
        {
            var fine = terms[order[d]];
            var coarse = terms[order[d - 1]];
            var parent = new int[fine.LevelCount];
            Array.Fill(parent, -1);
            var lf = fine.LevelOfRow;
            var lc = coarse.LevelOfRow;
            for (int i = 0; i < lf.Length; i++)
            {
                ref int p = ref parent[lf[i]];
                if (p < 0) p = lc[i];
                else if (p != lc[i])
                    throw new UserInputException(
                        $"nAGQ > 1 needs nested grouping factors, but level '{UserText.Clip(fine.Levels[lf[i]])}' of {fine.Group} occurs within levels " +
                        $"'{UserText.Clip(coarse.Levels[p])}' and '{UserText.Clip(coarse.Levels[lc[i]])}' of {coarse.Group} (row {i + 1}), so they are crossed{laplace}");
            }
        }
        return order;
    }

    private void BuildBlock(GlmmProblem problem, int b, ReadOnlySpan<int> depthOfSlot, ReadOnlySpan<int> parentOfSlot)
    {
        int uLo = problem.UOffsets[b], m = depthOfSlot.Length, depth = Depth;
        var children = new List<int>[m];
        int root = -1;
        for (int s = 0; s < m; s++)
        {
            if (parentOfSlot[s] < 0)
            {
                if (root >= 0) throw new InvalidOperationException($"block {b + 1} has two roots; the terms are not nested");
                root = s;
            }
            else (children[parentOfSlot[s]] ??= []).Add(s);
        }
        // Pre-order numbering (iterative; children in slot order).
        var position = new int[m];
        int next = 0;
        var stack = new Stack<int>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            int s = stack.Pop();
            position[s] = next;
            SlotOfPosition[uLo + next] = s;
            NodeDepth[uLo + next] = depthOfSlot[s];
            next++;
            if (children[s] is { } c) for (int j = c.Count - 1; j >= 0; j--) stack.Push(c[j]);
        }
        // Ancestors, and subtree ends by a reverse sweep (a node's subtree ends where its last child's ends).
        for (int p = 0; p < m; p++)
        {
            int s = SlotOfPosition[uLo + p], d = depthOfSlot[s];
            Ancestor[(uLo + p) * depth + d] = p;
            for (int a = parentOfSlot[s], da = d - 1; a >= 0; a = parentOfSlot[a], da--) Ancestor[(uLo + p) * depth + da] = position[a];
        }
        for (int p = m - 1; p >= 0; p--)
        {
            int s = SlotOfPosition[uLo + p];
            End[uLo + p] = children[s] is { } c ? End[uLo + position[c[^1]]] : p + 1;
        }
        // Rows sorted by their deepest node's position (stable in row order).
        int r0 = problem.RowOffsets[b], n = problem.RowOffsets[b + 1] - r0, k = problem.K;
        var leafOf = new int[n];
        for (int r = 0; r < n; r++) leafOf[r] = position[problem.Slot[(long)(r0 + r) * k + TermOrder[depth - 1]]];
        var sorted = Enumerable.Range(0, n).OrderBy(r => leafOf[r]).ToArray();
        for (int p = 0; p < m; p++) { RowStart[uLo + p] = int.MaxValue; RowEnd[uLo + p] = 0; }
        for (int j = 0; j < n; j++)
        {
            int i = r0 + sorted[j];
            Rows[r0 + j] = i;
            for (int d = 0; d < depth; d++)
            {
                int p = position[problem.Slot[(long)i * k + TermOrder[d]]];
                RowPath[(r0 + j) * depth + d] = p;
                RowStart[uLo + p] = Math.Min(RowStart[uLo + p], j);
                RowEnd[uLo + p] = Math.Max(RowEnd[uLo + p], j + 1);
            }
        }
    }
}
