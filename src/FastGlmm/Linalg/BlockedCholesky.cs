namespace FastGlmm.Linalg;

/// <summary>
/// The Cholesky factor of a symmetric positive-definite m × m matrix with the structure crossed random effects give
/// Λ'Z'WZΛ + I when the term with the most levels comes first:
/// A = [A₁₁ A₂₁'; A₂₁ A₂₂], with A₁₁ block diagonal (s blocks of q × q, one per level of the leading term), A₂₁
/// (t × s·q) sparse with a fixed pattern, and A₂₂ (t × t) held dense. Its factor is
/// L = [L₁₁ 0; L₂₁ L₂₂] with L₁₁ the block-diagonal Cholesky factor of A₁₁, L₂₁ = A₂₁L₁₁⁻ᵀ (the same pattern) and
/// L₂₂L₂₂' = A₂₂ − L₂₁L₂₁' (dense). Work O(s·q³ + Σ_j (n_j q)² + t³/3) and storage O(s·q² + nnz·q + t²) for n_j
/// stored rows in slot j's columns, instead of O(m³) and O(m²).
/// </summary>
/// <remarks>
/// Values are filled in place (<see cref="Diagonal"/>, <see cref="Coupling"/>, <see cref="Dense"/>) and
/// <see cref="Factor"/> overwrites them with L. The pattern (which trailing rows each slot couples to) is fixed at
/// construction; only values change between evaluations. Every sum is taken in a fixed order.
/// </remarks>
public sealed class BlockedCholesky
{
    private readonly int[] _rowStart, _rows;
    private double[]? _trailingInverse;

    /// <summary>
    /// A factor for <paramref name="slots"/> leading q × q blocks and a dense trailing part of
    /// <paramref name="trailing"/> rows; slot j couples to trailing rows
    /// <paramref name="rows"/>[<paramref name="rowStart"/>[j] .. <paramref name="rowStart"/>[j+1]) (ascending).
    /// </summary>
    public BlockedCholesky(int slots, int q, int trailing, int[] rowStart, int[] rows)
    {
        if (rowStart.Length != slots + 1) throw new ArgumentException("rowStart needs slots + 1 entries", nameof(rowStart));
        Slots = slots; Q = q; Trailing = trailing;
        _rowStart = rowStart; _rows = rows;
        Diagonal = new double[(long)slots * q * q];
        Coupling = new double[(long)rows.Length * q];
        Dense = new double[(long)trailing * trailing];
    }

    /// <summary>A factor with this one's pattern (shared) and values of its own, all 0.</summary>
    public BlockedCholesky CloneEmpty() => new(Slots, Q, Trailing, _rowStart, _rows);

    /// <summary>Leading slots s.</summary>
    public int Slots { get; }

    /// <summary>Width q of a leading slot.</summary>
    public int Q { get; }

    /// <summary>Trailing (dense) rows t.</summary>
    public int Trailing { get; }

    /// <summary>The leading columns s·q.</summary>
    public int Lead => Slots * Q;

    /// <summary>The order m = s·q + t.</summary>
    public int Size => Lead + Trailing;

    /// <summary>Bytes the values take (the dense trailing part dominates).</summary>
    public long Bytes => 8 * (Diagonal.LongLength + Coupling.LongLength + Dense.LongLength);

    /// <summary>The q × q diagonal blocks, slot after slot, each column-major (lower triangle used).</summary>
    public double[] Diagonal { get; }

    /// <summary>
    /// The coupling values: slot j's block is n_j × q (n_j = its stored rows), column-major, starting at
    /// <see cref="CouplingStart"/>(j).
    /// </summary>
    public double[] Coupling { get; }

    /// <summary>The trailing t × t part, column-major (lower triangle used).</summary>
    public double[] Dense { get; }

    /// <summary>Where slot j's coupling block starts in <see cref="Coupling"/>.</summary>
    public long CouplingStart(int slot) => (long)_rowStart[slot] * Q;

    /// <summary>Stored rows n_j of slot j.</summary>
    public int CouplingRows(int slot) => _rowStart[slot + 1] - _rowStart[slot];

    /// <summary>
    /// The index in <see cref="Coupling"/> of (trailing row <paramref name="row"/>, column 0 of
    /// <paramref name="slot"/>); column c is c·n_j further. −1 when the pattern does not hold that row.
    /// </summary>
    public long CouplingIndex(int slot, int row)
    {
        int lo = _rowStart[slot], hi = _rowStart[slot + 1];
        int at = Array.BinarySearch(_rows, lo, hi - lo, row);
        return at < 0 ? -1 : (long)lo * Q + (at - lo);
    }

    /// <summary>Sets every value to 0.</summary>
    public void Clear()
    {
        Array.Clear(Diagonal);
        Array.Clear(Coupling);
        Array.Clear(Dense);
        _trailingInverse = null;
    }

    /// <summary>Overwrites the values with L (see the class summary); false when A is not numerically PD.</summary>
    public bool Factor()
    {
        _trailingInverse = null;
        int s = Slots, q = Q, t = Trailing;
        bool ok = true;
        // L₁₁ per slot and L₂₁ = A₂₁L₁₁⁻ᵀ: each slot on its own.
        Parallel.For(0, (s + 255) / 256, () => true, (c, _, good) =>
        {
            for (int j = c * 256; j < Math.Min(s, (c + 1) * 256); j++) good &= FactorSlot(j);
            return good;
        }, good => { if (!good) Volatile.Write(ref ok, false); });
        if (!ok) return false;
        // A₂₂ − L₂₁L₂₁': slot after slot (a fixed order), only the lower triangle.
        var dense = Dense;
        for (int j = 0; j < s; j++)
        {
            int lo = _rowStart[j], len = _rowStart[j + 1] - lo;
            long v0 = (long)lo * q;
            for (int c = 0; c < q; c++)
            {
                long vc = v0 + (long)c * len;
                for (int b = 0; b < len; b++)
                {
                    double vb = Coupling[vc + b];
                    if (vb == 0) continue;
                    long col = (long)_rows[lo + b] * t;
                    for (int a = b; a < len; a++) dense[col + _rows[lo + a]] -= Coupling[vc + a] * vb;
                }
            }
        }
        return t == 0 || DenseCholeskyLarge.Factor(dense, t);
    }

    private bool FactorSlot(int j)
    {
        int q = Q;
        var d = Diagonal.AsSpan((int)((long)j * q * q), q * q);
        if (!DenseCholesky.Factor(d, q)) return false;
        int lo = _rowStart[j], len = _rowStart[j + 1] - lo;
        long v0 = (long)lo * q;
        // Row r of V: solve L₁₁,j x = v_r' (V ← V L⁻ᵀ), column by column of the slot.
        for (int c = 0; c < q; c++)
        {
            double dc = d[c * q + c];
            long vc = v0 + (long)c * len;
            for (int k = 0; k < c; k++)
            {
                double lck = d[k * q + c];
                long vk = v0 + (long)k * len;
                for (int r = 0; r < len; r++) Coupling[vc + r] -= lck * Coupling[vk + r];
            }
            for (int r = 0; r < len; r++) Coupling[vc + r] /= dc;
        }
        return true;
    }

    /// <summary>log det A = 2 Σ log diag(L).</summary>
    public double LogDeterminant()
    {
        int q = Q, t = Trailing;
        double sum = 0;
        for (int j = 0; j < Slots; j++)
            for (int c = 0; c < q; c++) sum += Math.Log(Diagonal[(long)j * q * q + c * q + c]);
        for (int i = 0; i < t; i++) sum += Math.Log(Dense[(long)i * t + i]);
        return 2 * sum;
    }

    /// <summary>Solves L x = b in place (b has m entries: the s·q leading, then the t trailing).</summary>
    public void SolveLower(Span<double> x)
    {
        int q = Q, lead = Lead;
        var tail = x.Slice(lead, Trailing);
        for (int j = 0; j < Slots; j++)
        {
            var xj = x.Slice(j * q, q);
            DenseCholesky.SolveLower(Diagonal.AsSpan((int)((long)j * q * q), q * q), q, xj);
            int lo = _rowStart[j], len = _rowStart[j + 1] - lo;
            long v0 = (long)lo * q;
            for (int c = 0; c < q; c++)
            {
                double y = xj[c];
                if (y == 0) continue;
                long vc = v0 + (long)c * len;
                for (int r = 0; r < len; r++) tail[_rows[lo + r]] -= Coupling[vc + r] * y;
            }
        }
        if (Trailing > 0) DenseCholesky.SolveLower(Dense, Trailing, tail);
    }

    /// <summary>Solves L' x = b in place.</summary>
    public void SolveUpperTransposed(Span<double> x)
    {
        int q = Q, lead = Lead;
        var tail = x.Slice(lead, Trailing);
        if (Trailing > 0) DenseCholesky.SolveUpperTransposed(Dense, Trailing, tail);
        for (int j = 0; j < Slots; j++)
        {
            var xj = x.Slice(j * q, q);
            int lo = _rowStart[j], len = _rowStart[j + 1] - lo;
            long v0 = (long)lo * q;
            for (int c = 0; c < q; c++)
            {
                long vc = v0 + (long)c * len;
                double sum = 0;
                for (int r = 0; r < len; r++) sum += Coupling[vc + r] * tail[_rows[lo + r]];
                xj[c] -= sum;
            }
            DenseCholesky.SolveUpperTransposed(Diagonal.AsSpan((int)((long)j * q * q), q * q), q, xj);
        }
    }

    /// <summary>y = L'x (m entries each): y₂ = L₂₂'x₂ and y_j = L_j'x_j + V_j'x₂[R_j] for each leading slot j.</summary>
    public void MultiplyTransposed(ReadOnlySpan<double> x, Span<double> y)
    {
        int q = Q, lead = Lead, t = Trailing;
        var xt = x.Slice(lead, t);
        var yt = y.Slice(lead, t);
        for (int i = 0; i < t; i++)
        {
            double sum = 0;
            long col = (long)i * t;
            for (int k = i; k < t; k++) sum += Dense[col + k] * xt[k];
            yt[i] = sum;
        }
        for (int j = 0; j < Slots; j++)
        {
            long d0 = (long)j * q * q;
            int lo = _rowStart[j], len = _rowStart[j + 1] - lo;
            long v0 = (long)lo * q;
            for (int c = 0; c < q; c++)
            {
                double sum = 0;
                for (int r = c; r < q; r++) sum += Diagonal[d0 + c * q + r] * x[j * q + r];
                long vc = v0 + (long)c * len;
                for (int r = 0; r < len; r++) sum += Coupling[vc + r] * xt[_rows[lo + r]];
                y[j * q + c] = sum;
            }
        }
    }

    /// <summary>
    /// The w × w diagonal block of A⁻¹ at rows and columns o … o+w−1 (column-major into <paramref name="dest"/>), for a
    /// block inside one leading slot or inside the trailing part. With Σ₂ = (L₂₂L₂₂')⁻¹ (computed once after
    /// <see cref="Factor"/>): the trailing part of A⁻¹ is Σ₂, and slot j's block is
    /// L_j⁻ᵀ(I + V_j'Σ₂[R_j, R_j]V_j)L_j⁻¹ with V_j its coupling block and R_j its rows.
    /// </summary>
    public void InverseBlock(int o, int w, Span<double> dest)
    {
        var inv = TrailingInverse();
        int t = Trailing, q = Q;
        if (o >= Lead)
        {
            int r0 = o - Lead;
            for (int c = 0; c < w; c++)
                for (int r = 0; r < w; r++) dest[c * w + r] = inv[(long)Math.Min(r0 + r, r0 + c) * t + Math.Max(r0 + r, r0 + c)];
            return;
        }
        int j = o / q, off = o - j * q;
        if (off + w > q) throw new ArgumentException("the block crosses a slot boundary");
        int lo = _rowStart[j], len = _rowStart[j + 1] - lo;
        long v0 = (long)lo * q;
        // M = I + V'Σ₂V (q × q).
        var m = new double[q * q];
        var sv = new double[len];
        for (int c = 0; c < q; c++)
        {
            long vc = v0 + (long)c * len;
            for (int a = 0; a < len; a++)
            {
                double sum = 0;
                int ra = _rows[lo + a];
                for (int b = 0; b < len; b++)
                {
                    int rb = _rows[lo + b];
                    sum += inv[(long)Math.Min(ra, rb) * t + Math.Max(ra, rb)] * Coupling[vc + b];
                }
                sv[a] = sum;
            }
            for (int k = 0; k < q; k++)
            {
                long vk = v0 + (long)k * len;
                double sum = 0;
                for (int a = 0; a < len; a++) sum += Coupling[vk + a] * sv[a];
                m[c * q + k] = sum + (c == k ? 1 : 0);
            }
        }
        // L⁻ᵀ M L⁻¹: columns of M through L⁻ᵀ, then rows.
        var l = Diagonal.AsSpan((int)((long)j * q * q), q * q);
        for (int c = 0; c < q; c++) DenseCholesky.SolveUpperTransposed(l, q, m.AsSpan(c * q, q));
        var row = new double[q];
        for (int r = 0; r < q; r++)
        {
            for (int c = 0; c < q; c++) row[c] = m[c * q + r];
            DenseCholesky.SolveUpperTransposed(l, q, row);
            for (int c = 0; c < q; c++) m[c * q + r] = row[c];
        }
        for (int c = 0; c < w; c++)
            for (int r = 0; r < w; r++) dest[c * w + r] = m[(off + c) * q + off + r];
    }

    /// <summary>
    /// Σ₂ = (L₂₂L₂₂')⁻¹, stored in the lower triangle as inv[col·t + row] for row ≥ col (<see cref="CholeskyInverse"/>),
    /// once per factorization.
    /// </summary>
    private double[] TrailingInverse()
    {
        if (_trailingInverse is { } ready) return ready;
        // The two t × t buffers stay with the factor: an optimizer asks for Σ₂ at every gradient.
        long t2 = (long)Trailing * Trailing;
        _inverseStore ??= new double[t2];
        _inverseWork ??= new double[t2];
        return _trailingInverse = CholeskyInverse.Inverse(Dense, Trailing, result: _inverseStore, work: _inverseWork);
    }

    private double[]? _inverseStore, _inverseWork;
}
