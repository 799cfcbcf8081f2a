using FastGlmm.Linalg;

namespace FastGlmm.Tests.Linalg;

/// <summary>
/// The blocked factor of crossed-design matrices equals a dense Cholesky: log det, solves with L and L', and the
/// diagonal blocks of A⁻¹ to 1e-12, for scalar and vector leading terms, fully and partially crossed patterns.
/// </summary>
public class BlockedCholeskyTests
{
    /// <summary>A = Λ'Z'ZΛ + I built from random rows: each row one leading slot and some trailing columns.</summary>
    private static (BlockedCholesky Blocked, double[] Dense, int M) Build(int slots, int q, int trailing, int rows, double density, int seed)
    {
        var rng = new Random(seed);
        int lead = slots * q, m = lead + trailing;
        var dense = new double[m * m];
        var pairs = new SortedSet<(int Slot, int Row)>();
        var entries = new List<(int[] Idx, double[] Val)>();
        for (int i = 0; i < rows; i++)
        {
            int s = rng.Next(slots);
            var idx = new List<int>();
            for (int c = 0; c < q; c++) idx.Add(s * q + c);
            for (int r = 0; r < trailing; r++) if (rng.NextDouble() < density) idx.Add(lead + r);
            var val = idx.Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            entries.Add((idx.ToArray(), val));
            foreach (int e in idx) if (e >= lead) pairs.Add((s, e - lead));
        }
        var rowStart = new int[slots + 1];
        var list = new List<int>();
        for (int s = 0; s < slots; s++)
        {
            foreach (var p in pairs.Where(p => p.Slot == s)) list.Add(p.Row);
            rowStart[s + 1] = list.Count;
        }
        var blk = new BlockedCholesky(slots, q, trailing, rowStart, list.ToArray());
        foreach (var (idx, val) in entries)
        {
            int s = idx[0] / q;
            for (int a = 0; a < idx.Length; a++)
                for (int b = 0; b < idx.Length; b++)
                {
                    int i = idx[a], j = idx[b];
                    double v = val[a] * val[b];
                    dense[j * m + i] += v;
                    if (i < lead && j < lead) blk.Diagonal[s * q * q + (j - s * q) * q + (i - s * q)] += v;
                    else if (i >= lead && j < lead)
                    {
                        long at = blk.CouplingIndex(s, i - lead);
                        Assert.True(at >= 0);
                        blk.Coupling[at + (long)(j - s * q) * blk.CouplingRows(s)] += v;
                    }
                    else if (i >= lead && j >= lead) blk.Dense[(j - lead) * trailing + (i - lead)] += v;
                }
        }
        for (int i = 0; i < m; i++) dense[i * m + i] += 1;
        for (int s = 0; s < slots; s++) for (int c = 0; c < q; c++) blk.Diagonal[s * q * q + c * q + c] += 1;
        for (int r = 0; r < trailing; r++) blk.Dense[r * trailing + r] += 1;
        return (blk, dense, m);
    }

    [Theory]
    [InlineData(40, 1, 25, 600, 0.1, 1)]    // scalar lead, crossed
    [InlineData(30, 2, 20, 500, 0.15, 2)]   // vector lead (q = 2)
    [InlineData(25, 3, 70, 300, 0.05, 3)]   // q = 3, trailing larger than a panel
    [InlineData(60, 1, 0, 200, 0.0, 4)]     // no trailing part
    [InlineData(50, 1, 150, 900, 0.02, 5)]  // partially crossed, several panels
    public void EqualsDenseCholesky(int slots, int q, int trailing, int rows, double density, int seed)
    {
        var (blk, dense, m) = Build(slots, q, trailing, rows, density, seed);
        var original = (double[])dense.Clone();
        Assert.True(DenseCholesky.Factor(dense, m));
        Assert.True(blk.Factor());
        double ld = DenseCholesky.LogDeterminant(dense, m);
        Assert.Equal(ld, blk.LogDeterminant(), 1e-12 * Math.Max(1, Math.Abs(ld)));

        var rng = new Random(seed + 100);
        var b = Enumerable.Range(0, m).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var x1 = (double[])b.Clone();
        var x2 = (double[])b.Clone();
        DenseCholesky.SolveLower(dense, m, x1);
        blk.SolveLower(x2);
        for (int i = 0; i < m; i++) Assert.Equal(x1[i], x2[i], 1e-12);
        DenseCholesky.SolveUpperTransposed(dense, m, x1);
        blk.SolveUpperTransposed(x2);
        for (int i = 0; i < m; i++) Assert.Equal(x1[i], x2[i], 1e-11);
        // A x = b holds.
        for (int i = 0; i < m; i++)
        {
            double s = 0;
            for (int j = 0; j < m; j++) s += original[Math.Min(i, j) * m + Math.Max(i, j)] * x2[j];
            Assert.Equal(b[i], s, 1e-10);
        }
        // Diagonal blocks of A⁻¹ (q × q per leading slot, 1 × 1 and 3 × 3 in the trailing part).
        var inv = new double[m * m];
        for (int j = 0; j < m; j++)
        {
            var col = inv.AsSpan(j * m, m);
            col[j] = 1;
            DenseCholesky.SolveLower(dense, m, col);
            DenseCholesky.SolveUpperTransposed(dense, m, col);
        }
        var got = new double[9];
        for (int s = 0; s < slots; s++)
        {
            blk.InverseBlock(s * q, q, got);
            for (int c = 0; c < q; c++) for (int r = 0; r < q; r++) Assert.Equal(inv[(s * q + c) * m + s * q + r], got[c * q + r], 1e-12);
        }
        for (int o = slots * q; o + 3 <= m; o += 3)
        {
            blk.InverseBlock(o, 3, got);
            for (int c = 0; c < 3; c++) for (int r = 0; r < 3; r++) Assert.Equal(inv[(o + c) * m + o + r], got[c * 3 + r], 1e-12);
        }
    }

    [Fact]
    public void LargeDenseFactor_EqualsSimpleFactor()
    {
        int n = 300;
        var rng = new Random(7);
        var g = Enumerable.Range(0, n * n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var a = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = j; i < n; i++)
            {
                double s = i == j ? n : 0;
                for (int k = 0; k < n; k++) s += g[k * n + i] * g[k * n + j];
                a[j * n + i] = s;
            }
        var b = (double[])a.Clone();
        Assert.True(DenseCholesky.Factor(a, n));
        Assert.True(DenseCholeskyLarge.Factor(b, n));
        for (int j = 0; j < n; j++) for (int i = j; i < n; i++) Assert.Equal(a[j * n + i], b[j * n + i], 1e-11);
        var c = (double[])b.Clone();
        c[5 * n + 5] = -1;
        Assert.False(DenseCholeskyLarge.Factor(c, n));
    }
}
