using FastGlmm.Linalg;

namespace FastGlmm.Tests.Linalg;

/// <summary>The structured (block-diagonal lead) Cholesky equals the dense one.</summary>
public class DenseCholeskyTests
{
    [Theory]
    [InlineData(12, 8, 1)]
    [InlineData(14, 10, 2)]
    [InlineData(9, 9, 3)]
    [InlineData(7, 0, 1)]
    public void BlockDiagonalLead_EqualsDenseFactor(int n, int lead, int q)
    {
        var rng = new Random(20261121);
        // A = B B' + I with B zero where two leading entries belong to different q-blocks.
        var b = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                b[k * n + i] = rng.NextDouble() - 0.5;
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? 1 : 0;
                bool bothLead = i < lead && j < lead;
                if (!bothLead || i / q == j / q)
                    for (int k = 0; k < n; k++) s += b[k * n + i] * b[k * n + j];
                a[j * n + i] = s;
            }
        // Keep it positive definite after zeroing: add a diagonal shift.
        for (int i = 0; i < n; i++) a[i * n + i] += n;
        var dense = (double[])a.Clone();
        var structured = (double[])a.Clone();
        Assert.True(DenseCholesky.Factor(dense, n));
        Assert.True(DenseCholesky.FactorWithBlockDiagonalLead(structured, n, lead, q));
        for (int j = 0; j < n; j++)
            for (int i = j; i < n; i++)
                Assert.Equal(dense[j * n + i], structured[j * n + i], 1e-12);
    }
}
