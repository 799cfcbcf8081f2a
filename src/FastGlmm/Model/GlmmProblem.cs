using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Likelihood;

namespace FastGlmm.Model;

/// <summary>
/// A mixed model packed into flat arrays for the backends, rows sorted by independent block.
/// Row i's linear predictor is η_i = offset_i + Σ_j X[i, j] β_j + Σ_e (ZΛ)[i, e] u[Slot[i, e]], where
/// the K = Σ_t q_t entries e of a row belong to term <see cref="EntryTerm"/>[e], column
/// <see cref="EntryColumn"/>[e], and (ZΛ)[i, e] = Σ_{c ≥ col(e)} Z_t[i, c] T_t[c, col(e)].
/// Block b owns rows [RowOffsets[b], RowOffsets[b+1]) and the spherical random effects
/// u[UOffsets[b] .. UOffsets[b+1]) (m_b = UOffsets[b+1] − UOffsets[b]); <see cref="Slot"/> holds
/// block-local indices into them.
/// </summary>
public sealed class GlmmProblem
{
    /// <summary>Packs a model frame.</summary>
    public GlmmProblem(ModelFrame frame)
    {
        Frame = frame;
        Family = frame.Family;
        Layout = new ThetaLayout(frame.RandomTerms);
        N = frame.RowCount;
        P = frame.X.Columns;
        // The frame's arrays are never written, by it or by the backends, so the problem shares them.
        X = frame.X.ValuesArray;
        Y = frame.Response.YArray;
        Weights = frame.Response.WeightsArray;
        Offset = frame.OffsetArray;
        var terms = frame.RandomTerms;
        var design = new BlockDesign(frame);
        K = design.MaxRowEntries;
        EntryTerm = new int[K];
        EntryColumn = new int[K];
        for (int t = 0, e = 0; t < terms.Count; t++)
            for (int c = 0; c < terms[t].ColumnCount; c++, e++) { EntryTerm[e] = t; EntryColumn[e] = c; }
        _entryWidth = new int[K];
        _entryFactor = new int[K];
        for (int e = 0; e < K; e++)
        {
            int q = Layout.Columns(EntryTerm[e]);
            _entryWidth[e] = q;
            _entryFactor[e] = FactorOffsets[EntryTerm[e]] + EntryColumn[e] * q;
        }
        // One scalar term: its Z_t (n × 1) is already Z's row-major layout, so it is shared.
        bool shareZ = terms.Count == 1 && K == 1;
        Z = shareZ ? terms[0].ZArray : new double[(long)N * K];
        Slot = new int[(long)N * K];
        for (int t = 0, e0 = 0; t < terms.Count; t++)
        {
            var term = terms[t];
            int q = term.ColumnCount;
            var z = term.Z;
            var lev = term.LevelOfRow;
            int tlo = design.TermLevelOffset[t];
            for (int i = 0; i < N; i++)
            {
                int o = design.LocalOffset[tlo + lev[i]];
                for (int c = 0; c < q; c++)
                {
                    if (!shareZ) Z[(long)i * K + e0 + c] = z[c * N + i];
                    Slot[(long)i * K + e0 + c] = o + c;
                }
            }
            e0 += q;
        }
        int nb = frame.Blocks.Count;
        RowOffsets = frame.Blocks.RowOffsets.ToArray();
        UOffsets = new int[nb + 1];
        for (int b = 0; b < nb; b++) UOffsets[b + 1] = UOffsets[b] + design.Size[b];
        LeadSize = new int[nb];
        if (terms.Count > 0)
        {
            int q0 = terms[0].ColumnCount, lo0 = design.TermLevelOffset[0], hi0 = design.TermLevelOffset[1];
            var ids = frame.Blocks.LevelIds;
            for (int b = 0; b < nb; b++)
                for (int s = frame.Blocks.LevelOffsets[b]; s < frame.Blocks.LevelOffsets[b + 1]; s++)
                    if (ids[s] >= lo0 && ids[s] < hi0) LeadSize[b] += q0;
        }
    }

    /// <summary>
    /// Per block, how many leading entries of u belong to the first term. Its part of Λ'Z'WZΛ + I is
    /// block diagonal (q₀ × q₀ blocks), which the factorization exploits in crossed designs.
    /// </summary>
    public int[] LeadSize { get; }

    /// <summary>q₀, the columns of the first random-effects term (0 without terms).</summary>
    public int LeadColumns => Layout.TermCount > 0 ? Layout.Columns(0) : 0;

    /// <summary>
    /// Packs every term's factor T_t(θ) (q_t × q_t, column-major) into <paramref name="factors"/> at
    /// <see cref="FactorOffsets"/>[t].
    /// </summary>
    public void FillFactors(ReadOnlySpan<double> theta, Span<double> factors)
    {
        for (int t = 0; t < Layout.TermCount; t++)
            Layout.FillFactor(theta, t, factors.Slice(FactorOffsets[t], FactorOffsets[t + 1] - FactorOffsets[t]));
    }

    /// <summary>Offsets of each term's T_t in a packed factor array (length terms + 1; T_t has q_t² entries).</summary>
    public int[] FactorOffsets => _factorOffsets ??= BuildFactorOffsets();

    private int[]? _factorOffsets;

    private int[] BuildFactorOffsets()
    {
        var o = new int[Layout.TermCount + 1];
        for (int t = 0; t < Layout.TermCount; t++) o[t + 1] = o[t] + Layout.Columns(t) * Layout.Columns(t);
        return o;
    }

    /// <summary>
    /// Row i of ZΛ: (ZΛ)[i, e] = Σ_{c ≥ col(e)} Z[i, first(e) + c] T_t[c, col(e)] for the K entries e,
    /// with the factors packed by <see cref="FillFactors"/>.
    /// </summary>
    public void ZLambdaRow(int i, ReadOnlySpan<double> factors, Span<double> zl) => ZLambdaRows(i, i + 1, factors, zl);

    /// <summary>
    /// Rows lo … hi − 1 of ZΛ as <see cref="ZLambdaRow"/> computes each, written row after row (K entries each) to
    /// <paramref name="zl"/>, which starts at row lo.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void ZLambdaRows(int lo, int hi, ReadOnlySpan<double> factors, Span<double> zl)
    {
        var (width, factor) = (_entryWidth, _entryFactor);
        var z = Z;
        for (int i = lo, r = 0; i < hi; i++, r += K)
        {
            long o = (long)i * K;
            for (int e = 0; e < K; e++)
            {
                int col = EntryColumn[e], q = width[e], f = factor[e];
                long first = o + e - col;
                double v = 0;
                for (int c = col; c < q; c++) v += z[first + c] * factors[f + c];
                zl[r + e] = v;
            }
        }
    }

    /// <summary>
    /// The conditional linear predictor of row i, η_i = offset_i + x_i'β + Σ_e (ZΛ)[i, e] u[uLo + Slot[i, e]], with
    /// uLo = <see cref="UOffsets"/>[b] of the row's block b; row i of ZΛ is left in <paramref name="zl"/> (K entries).
    /// </summary>
    public double ConditionalEta(int i, int uLo, ReadOnlySpan<double> factors, ReadOnlySpan<double> beta,
        ReadOnlySpan<double> u, Span<double> zl)
    {
        ZLambdaRow(i, factors, zl);
        double eta = Offset[i];
        for (int j = 0; j < P; j++) eta += X[(long)j * N + i] * beta[j];
        for (int e = 0; e < K; e++) eta += zl[e] * u[uLo + Slot[(long)i * K + e]];
        return eta;
    }

    /// <summary>Per entry e: its term's width q_t, and where its column of T_t starts in the packed factors (offset_t + col·q_t).</summary>
    private readonly int[] _entryWidth, _entryFactor;

    /// <summary>The frame this problem was packed from.</summary>
    public ModelFrame Frame { get; }

    /// <summary>Family and link.</summary>
    public FamilySpec Family { get; }

    /// <summary>The θ layout.</summary>
    public ThetaLayout Layout { get; }

    /// <summary>Rows n.</summary>
    public int N { get; }

    /// <summary>Fixed-effect columns p.</summary>
    public int P { get; }

    /// <summary>Nonzeros per row of Z, K = Σ_t q_t.</summary>
    public int K { get; }

    /// <summary>X, n × p column-major.</summary>
    public double[] X { get; }

    /// <summary>Responses (n); for binomial the proportion.</summary>
    public double[] Y { get; }

    /// <summary>Prior weights (n); for binomial the trials times prior weights.</summary>
    public double[] Weights { get; }

    /// <summary>Offsets (n).</summary>
    public double[] Offset { get; }

    /// <summary>Z entries, n × K row-major.</summary>
    public double[] Z { get; }

    /// <summary>Block-local u index of each Z entry, n × K row-major.</summary>
    public int[] Slot { get; }

    /// <summary>Term of entry e (length K).</summary>
    public int[] EntryTerm { get; }

    /// <summary>Column within its term of entry e (length K).</summary>
    public int[] EntryColumn { get; }

    /// <summary>CSR row offsets per block (length blocks + 1).</summary>
    public int[] RowOffsets { get; }

    /// <summary>Offsets of each block's random effects in u (length blocks + 1).</summary>
    public int[] UOffsets { get; }

    /// <summary>Number of blocks.</summary>
    public int BlockCount => RowOffsets.Length - 1;

    /// <summary>Total number of spherical random effects, Σ m_b.</summary>
    public int TotalRandomEffects => UOffsets[^1];
}
