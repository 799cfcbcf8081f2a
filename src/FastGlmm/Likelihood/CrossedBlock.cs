using FastGlmm.Linalg;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>
/// A large block of crossed (or partially crossed) random effects, factored as a <see cref="BlockedCholesky"/>
/// instead of a dense m × m matrix: the first term (the one with the most levels, as lme4 orders terms) is the
/// block-diagonal lead, its coupling to the other terms is sparse, and the other terms' part is dense.
/// Builds the sparsity pattern once per block from the rows' slots, and assembles Λ'Z'WZΛ + I from rows of ZΛ.
/// </summary>
public static class CrossedBlock
{
    /// <summary>Blocks of at least this many random effects with a leading term use the blocked factor.</summary>
    public const int MinSize = 600;

    /// <summary>
    /// The most trailing (non-leading) random effects the dense trailing part may hold: 10,000² doubles are 800 MB, and
    /// one factorization about 3.3·10¹¹ flops (seconds to tens of seconds here).
    /// A larger block is refused with a one-line error stating the size.
    /// </summary>
    public const int MaxTrailing = 10_000;

    /// <summary>
    /// How the largest block's Λ'Z'WZΛ + I is factored, in words for --verbose: dense m × m, or blocked with its
    /// leading diagonal part, its dense trailing part and the bytes that takes (the sparse coupling comes on top).
    /// </summary>
    public static string Storage(Data.Frame.ModelFrame frame)
    {
        var terms = frame.RandomTerms;
        if (terms.Count == 0) return "no random effects";
        var (best, bestM, bestLead) = Largest(frame);
        if (bestM < MinSize || bestLead == 0)
            return $"the largest block ({bestM} random effects) is factored densely ({bestM} × {bestM}, {8.0 * bestM * bestM / 1e6:F1} MB)";
        int tr = bestM - bestLead;
        return $"block {best + 1} ({bestM} random effects) is factored blocked: {bestLead} leading ({terms[0].Group}) in {terms[0].ColumnCount} × {terms[0].ColumnCount} " +
            $"diagonal blocks, a sparse coupling, and a dense trailing part of {tr} × {tr} ({8.0 * tr * tr / 1e6:F1} MB)" +
            (tr > MaxTrailing ? $"; more than {MaxTrailing} trailing random effects are not supported" : "");
    }

    /// <summary>
    /// Bytes of one copy of the dense part of the largest block's factor: m² doubles when it is factored densely, the
    /// trailing part's (m − lead)² when blocked; 0 without random effects.
    /// </summary>
    public static long LargestDenseBytes(Data.Frame.ModelFrame frame)
    {
        if (frame.RandomTerms.Count == 0) return 0;
        var (_, m, lead) = Largest(frame);
        long d = m < MinSize || lead == 0 ? m : m - lead;
        return 8 * d * d;
    }

    /// <summary>The block with the most random effects: its index, its size m and its leading term's share.</summary>
    private static (int Block, int M, int Lead) Largest(Data.Frame.ModelFrame frame)
    {
        var terms = frame.RandomTerms;
        var blocks = frame.Blocks;
        var tlo = blocks.TermLevelOffset;
        int best = 0, bestM = -1, bestLead = 0;
        for (int b = 0; b < blocks.Count; b++)
        {
            int m = 0, lead = 0;
            for (int s = blocks.LevelOffsets[b]; s < blocks.LevelOffsets[b + 1]; s++)
            {
                int id = blocks.LevelIds[s], t = 0;
                while (id >= tlo[t + 1]) t++;
                m += terms[t].ColumnCount;
                if (t == 0) lead += terms[0].ColumnCount;
            }
            if (m > bestM) (best, bestM, bestLead) = (b, m, lead);
        }
        return (best, bestM, bestLead);
    }

    /// <summary>Whether block b of the problem is factored blocked.</summary>
    public static bool Applies(GlmmProblem p, int b)
    {
        int m = p.UOffsets[b + 1] - p.UOffsets[b];
        return m >= MinSize && p.LeadSize[b] > 0 && p.LeadColumns > 0;
    }

    /// <summary>
    /// An empty factor with block b's pattern: slot j (a level of the leading term) couples to every trailing random
    /// effect that shares a row with it.
    /// </summary>
    /// <exception cref="UserInputException">The trailing part exceeds <see cref="MaxTrailing"/>.</exception>
    public static CrossedLayout Pattern(GlmmProblem p, int b)
    {
        int lo = p.UOffsets[b], m = p.UOffsets[b + 1] - lo, lead = p.LeadSize[b], q0 = p.LeadColumns, k = p.K;
        int t = m - lead, slots = lead / q0;
        if (t > MaxTrailing)
        {
            var terms = p.Frame.RandomTerms;
            string others = string.Join(" + ", terms.Skip(1).Select(x => x.Source.ToString()));
            throw new UserInputException(
                $"the crossed random effects {UserText.Clip(others, 120)} have {t} coefficients in one block besides those of {terms[0].Source}; " +
                $"their dense part would need {8.0 * t * t / 1e9:F1} GB and about {t * (double)t * t / 3e9:F0}·10⁹ flops per evaluation " +
                $"(at most {MaxTrailing} are supported; a sparse factorization for two huge crossed factors is not built yet)");
        }
        int r0 = p.RowOffsets[b], r1 = p.RowOffsets[b + 1];
        var keys = new List<long>((r1 - r0) * Math.Max(1, k - q0));
        for (int i = r0; i < r1; i++)
        {
            long o = (long)i * k;
            int slot = p.Slot[o] / q0;
            for (int e = q0; e < k; e++) keys.Add((long)slot * t + (p.Slot[o + e] - lead));
        }
        keys.Sort();
        var rowStart = new int[slots + 1];
        var rows = new List<int>(keys.Count);
        long last = -1;
        foreach (long key in keys)
        {
            if (key == last) continue;
            last = key;
            rows.Add((int)(key % t));
            rowStart[(int)(key / t) + 1]++;
        }
        for (int j = 0; j < slots; j++) rowStart[j + 1] += rowStart[j];
        var pattern = new BlockedCholesky(slots, q0, t, rowStart, [.. rows]);
        // Where each row's trailing entries meet its leading slot in the coupling values, looked up once.
        var positions = new long[(long)(r1 - r0) * (k - q0)];
        for (int i = r0; i < r1; i++)
        {
            long o = (long)i * k;
            int slot = p.Slot[o] / q0;
            for (int e = q0; e < k; e++) positions[(long)(i - r0) * (k - q0) + e - q0] = pattern.CouplingIndex(slot, p.Slot[o + e] - lead);
        }
        return new CrossedLayout(pattern, positions);
    }

    /// <summary>
    /// Adds Λ'Z'WZΛ + I of block b into the (cleared) factor <paramref name="f"/>: <paramref name="zl"/> holds the
    /// block's rows of ZΛ (K entries each, from its first row) and <paramref name="w"/> their weights; <paramref name="f"/>
    /// has <paramref name="layout"/>'s pattern.
    /// </summary>
    public static void Assemble(GlmmProblem p, int b, ReadOnlySpan<double> zl, ReadOnlySpan<double> w, CrossedLayout layout, BlockedCholesky f)
    {
        var positions = layout.Positions;
        int lead = p.LeadSize[b], q0 = p.LeadColumns, k = p.K, t = f.Trailing, q2 = q0 * q0;
        int r0 = p.RowOffsets[b], r1 = p.RowOffsets[b + 1];
        var diag = f.Diagonal;
        var coup = f.Coupling;
        var dense = f.Dense;
        for (int i = r0; i < r1; i++)
        {
            int r = i - r0;
            double wi = w[r];
            if (wi == 0) continue;
            long o = (long)i * k;
            var z = zl.Slice(r * k, k);
            int slot = p.Slot[o] / q0, rows = f.CouplingRows(slot);
            long d0 = (long)slot * q2, at = (long)r * (k - q0) - q0;
            for (int bcol = 0; bcol < k; bcol++)
            {
                double vb = wi * z[bcol];
                if (vb == 0) continue;
                if (bcol < q0)
                {
                    // Column bcol of the slot: its diagonal block (rows a ≥ bcol) and its coupling rows.
                    int cb = p.Slot[o + bcol] - slot * q0;
                    for (int a = 0; a < q0; a++)
                    {
                        int ca = p.Slot[o + a] - slot * q0;
                        if (ca >= cb) diag[d0 + cb * q0 + ca] += z[a] * vb;
                    }
                    for (int a = q0; a < k; a++) coup[positions[at + a] + (long)cb * rows] += z[a] * vb;
                }
                else
                {
                    int cb = p.Slot[o + bcol] - lead;
                    for (int a = q0; a < k; a++)
                    {
                        int ca = p.Slot[o + a] - lead;
                        if (ca >= cb) dense[(long)cb * t + ca] += z[a] * vb;
                    }
                }
            }
        }
        for (int j = 0; j < f.Slots; j++) for (int c = 0; c < q0; c++) diag[(long)j * q2 + c * q0 + c] += 1;
        for (int i = 0; i < t; i++) dense[(long)i * t + i] += 1;
    }
}

/// <summary>
/// A crossed block's factor pattern (an empty <see cref="BlockedCholesky"/>, cloned for each evaluation) and, for
/// each of its rows' non-leading entries, the index of its coupling value (row r, entry e ≥ q₀ at r·(K − q₀) + e − q₀).
/// </summary>
public sealed record CrossedLayout(BlockedCholesky Pattern, long[] Positions);
