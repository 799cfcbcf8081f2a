using FastGlmm.Linalg;
using FastGlmm.MonteCarlo;
using FastGlmm.Rng;

namespace FastGlmm.Tests.MonteCarlo;

/// <summary>The importance mixture: its log density against dense reference formulas, and its draws' moments.</summary>
public class BlockProposalTests
{
    private const int Q = 3;

    // Conditional precision P (row-major, symmetric PD) and prior factor C (lower, row-major).
    private static readonly double[] P = [2.0, 0.3, -0.2, 0.3, 1.5, 0.4, -0.2, 0.4, 3.0];
    private static readonly double[] C = [1.2, 0, 0, 0.3, 0.9, 0, -0.4, 0.2, 1.1];
    private static readonly double[] Mu = [0.5, -1.0, 0.25];

    private static BlockProposal Make(MixtureWeights w)
    {
        var r = new double[Q * Q];
        var c = new double[Q * Q];
        for (int i = 0; i < Q; i++)
            for (int j = 0; j < Q; j++)
            {
                r[j * Q + i] = P[i * Q + j];
                c[j * Q + i] = C[i * Q + j];
            }
        Assert.True(DenseCholesky.Factor(r, Q));
        for (int j = 0; j < Q; j++) for (int i = 0; i < j; i++) r[j * Q + i] = 0;
        return new BlockProposal((double[])Mu.Clone(), r, c, w);
    }

    private static double[] Inverse(double[] a)
    {
        var inv = new double[Q * Q];
        for (int j = 0; j < Q; j++)
        {
            var e = new double[Q];
            e[j] = 1;
            // Gauss–Jordan on a copy of A (diagonally dominant here, so no pivoting is needed).
            var m = (double[])a.Clone();
            for (int c = 0; c < Q; c++)
            {
                double piv = m[c * Q + c];
                for (int k = 0; k < Q; k++) m[c * Q + k] /= piv;
                e[c] /= piv;
                for (int r = 0; r < Q; r++)
                {
                    if (r == c) continue;
                    double f = m[r * Q + c];
                    for (int k = 0; k < Q; k++) m[r * Q + k] -= f * m[c * Q + k];
                    e[r] -= f * e[c];
                }
            }
            for (int i = 0; i < Q; i++) inv[i * Q + j] = e[i];
        }
        return inv;
    }

    [Theory]
    [InlineData(0.1, 0.8, 0.1)]
    [InlineData(0.0, 1.0, 0.0)]
    [InlineData(0.3, 0.3, 0.4)]
    public void LogDensity_EqualsDenseMixture(double pt, double pn, double pp)
    {
        var prop = Make(new MixtureWeights(pt, pn, pp));
        var sigmaTilde = Inverse(P);
        var prior = DenseReference.Outer(C, Q);
        var rng = new Random(3);
        var work = new double[Q];
        for (int rep = 0; rep < 20; rep++)
        {
            var b = Mu.Select(m => m + 3 * (rng.NextDouble() - 0.5)).ToArray();
            double expected = Math.Log(pn * Math.Exp(DenseReference.LogNormal(b, Mu, sigmaTilde))
                + pt * Math.Exp(DenseReference.LogT(b, Mu, sigmaTilde, BlockProposal.TDegrees))
                + pp * Math.Exp(DenseReference.LogNormal(b, Mu, prior)));
            Assert.Equal(expected, prop.LogDensity(b, work), 1e-11);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Draws_HaveTheComponentsMeanAndCovariance(int component)
    {
        var prop = Make(MixtureWeights.Default);
        var stream = new PhiloxStream(2024, 9);
        const int n = 40_000;
        var sum = new double[Q];
        var sq = new double[Q * Q];
        var b = new double[Q];
        for (int k = 0; k < n; k++)
        {
            prop.Draw(stream, k, component, b);
            for (int i = 0; i < Q; i++)
            {
                sum[i] += b[i] - Mu[i];
                for (int j = 0; j < Q; j++) sq[i * Q + j] += (b[i] - Mu[i]) * (b[j] - Mu[j]);
            }
        }
        // Cov of t₅ with scale Σ̃ is ν/(ν − 2) Σ̃.
        var cov = component == 2 ? DenseReference.Outer(C, Q) : Inverse(P);
        double scale = component == 1 ? 5.0 / 3.0 : 1.0;
        for (int i = 0; i < Q; i++)
        {
            double sd = Math.Sqrt(scale * cov[i * Q + i]);
            Assert.InRange(sum[i] / n, -4.5 * sd / Math.Sqrt(n), 4.5 * sd / Math.Sqrt(n));
            for (int j = 0; j < Q; j++)
                Assert.Equal(scale * cov[i * Q + j], sq[i * Q + j] / n, component == 1 ? 0.08 : 0.03);
        }
    }
}
