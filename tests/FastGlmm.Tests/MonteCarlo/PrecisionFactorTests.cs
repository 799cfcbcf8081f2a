using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Model;
using FastGlmm.MonteCarlo;

namespace FastGlmm.Tests.MonteCarlo;

/// <summary>The precision-factor parameterization: inverse round trip, the prior log density against a dense
/// multivariate normal, and its gradient and curvature against finite differences.</summary>
public class PrecisionFactorTests
{
    /// <summary>sleepstudy with a q = 3 term (6 θ entries) and a scalar term.</summary>
    private static ThetaLayout Layout() => new GlmmProblem(ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"),
        "Reaction ~ 1 + (Days + I(Days^2) | Subject) + (1 | Subject)", new ModelFrameOptions())).Layout;

    private static double[] Theta(ThetaLayout layout)
    {
        var rng = new Random(7);
        return Enumerable.Range(0, layout.Count).Select(k => layout.IsDiagonal(k) ? 0.5 + rng.NextDouble() : rng.NextDouble() - 0.5).ToArray();
    }

    [Fact]
    public void InverseRoundTrip()
    {
        var layout = Layout();
        var theta = Theta(layout);
        var m = PrecisionFactor.FromTheta(layout, theta);
        var back = PrecisionFactor.ToTheta(layout, m);
        for (int k = 0; k < theta.Length; k++) Assert.Equal(theta[k], back[k], 1e-12);
        // T M = I for the q = 3 term.
        int q = layout.Columns(0);
        Assert.Equal(3, q);
        var t = new double[q * q];
        var mm = new double[q * q];
        layout.FillFactor(theta, 0, t);
        layout.FillFactor(m, 0, mm);
        for (int i = 0; i < q; i++)
            for (int j = 0; j < q; j++)
            {
                double s = 0;
                for (int k = 0; k < q; k++) s += t[k * q + i] * mm[j * q + k];
                Assert.Equal(i == j ? 1 : 0, s, 1e-12);
            }
    }

    [Fact]
    public void LogPrior_EqualsDenseNormalDensity()
    {
        var layout = Layout();
        var theta = Theta(layout);
        var m = PrecisionFactor.FromTheta(layout, theta);
        var rng = new Random(11);
        int[] levels = [3, 2];
        var stats = new double[layout.Count];
        double expected = 0;
        for (int t = 0; t < 2; t++)
        {
            int q = layout.Columns(t);
            var sigma = layout.Covariance(theta, t);
            for (int l = 0; l < levels[t]; l++)
            {
                var b = Enumerable.Range(0, q).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
                expected += DenseReference.LogNormal(b, new double[q], sigma) + 0.5 * q * Math.Log(2 * Math.PI);
                for (int j = 0; j < q; j++)
                    for (int i = j; i < q; i++) stats[layout.Offset(t) + PrecisionFactor.Index(q, i, j)] += b[i] * b[j];
            }
        }
        var g = new double[layout.Count];
        Assert.Equal(expected, PrecisionFactor.LogPrior(layout, m, levels, stats, g), 1e-10);
    }

    [Fact]
    public void GradientAndCurvature_MatchFiniteDifferences()
    {
        var layout = Layout();
        var m = PrecisionFactor.FromTheta(layout, Theta(layout));
        int n = layout.Count;
        int[] levels = [3, 2];
        var rng = new Random(5);
        var stats = new double[n];
        for (int k = 0; k < n; k++) stats[k] = layout.IsDiagonal(k) ? 1 + rng.NextDouble() : 0.3 * (rng.NextDouble() - 0.5);
        var g = new double[n];
        PrecisionFactor.LogPrior(layout, m, levels, stats, g);
        var h = new double[n * n];
        PrecisionFactor.AddCurvature(layout, m, levels, stats, h, n, 0);
        var tmp = new double[n];
        for (int j = 0; j < n; j++)
        {
            const double e = 1e-5;
            var up = (double[])m.Clone();
            var dn = (double[])m.Clone();
            up[j] += e;
            dn[j] -= e;
            var gu = new double[n];
            var gd = new double[n];
            double fu = PrecisionFactor.LogPrior(layout, up, levels, stats, gu);
            double fd = PrecisionFactor.LogPrior(layout, dn, levels, stats, gd);
            Assert.Equal((fu - fd) / (2 * e), g[j], 1e-7);
            for (int i = 0; i < n; i++) Assert.Equal((gu[i] - gd[i]) / (2 * e), h[i * n + j], 1e-6);
        }
    }

    [Fact]
    public void NonPositiveDiagonal_IsInvalid()
    {
        var layout = Layout();
        var m = PrecisionFactor.FromTheta(layout, Theta(layout));
        Assert.True(PrecisionFactor.IsValid(layout, m));
        m[0] = 0;
        Assert.False(PrecisionFactor.IsValid(layout, m));
    }
}
