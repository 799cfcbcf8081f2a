using FastGlmm.Linalg;

namespace FastGlmm.Tests.Linalg;

/// <summary>A⁻¹ from the Cholesky factor (<see cref="CholeskyInverse"/>) against A·A⁻¹ = I, and the same on one thread.</summary>
public class CholeskyInverseTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(64)]
    [InlineData(67)]
    [InlineData(130)]
    [InlineData(200)]
    public void InverseTimesMatrixIsIdentity(int n)
    {
        var rng = new Random(n);
        var b = new double[n * n];
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() - 0.5;
        // A = BB' + I: well conditioned, with off-diagonal entries of every size.
        var a = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                double s = i == j ? 1 : 0;
                for (int k = 0; k < n; k++) s += b[k * n + i] * b[k * n + j];
                a[j * n + i] = s;
            }
        var l = (double[])a.Clone();
        Assert.True(DenseCholeskyLarge.Factor(l, n));
        var inv = CholeskyInverse.Inverse(l, n);
        double At(int i, int j) => inv[(long)Math.Min(i, j) * n + Math.Max(i, j)];
        double worst = 0;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += a[k * n + i] * At(k, j);
                worst = Math.Max(worst, Math.Abs(s - (i == j ? 1 : 0)));
            }
        Assert.True(worst < 1e-11, $"max |A·A⁻¹ − I| = {worst:E2}");
        var serial = CholeskyInverse.Inverse(l, n, parallel: false);
        for (int j = 0; j < n; j++)
            for (int i = j; i < n; i++) Assert.Equal(inv[(long)j * n + i], serial[(long)j * n + i]);
    }
}
