using FastGlmm.Optimization;
using FastGlmm.Rng;

namespace FastGlmm.Tests.Optimization;

/// <summary>Newton trust region: Rosenbrock (non-concave away from the optimum) and a domain boundary.</summary>
public class NewtonTrustRegionTests
{
    private static SecondOrderPoint NegRosenbrock(double[] x)
    {
        double a = x[0], b = x[1];
        double f = -(100 * (b - a * a) * (b - a * a) + (1 - a) * (1 - a));
        double ga = -(-400 * a * (b - a * a) - 2 * (1 - a)), gb = -(200 * (b - a * a));
        double haa = -(1200 * a * a - 400 * b + 2), hab = 400 * a, hbb = -200;
        return new SecondOrderPoint(f, [ga, gb], [haa, hab, hab, hbb]);
    }

    [Fact]
    public void Rosenbrock_ConvergesToTheMaximum()
    {
        var r = NewtonTrustRegion.Maximize(NegRosenbrock, [-1.2, 1.0], tolerance: 1e-20);
        Assert.True(r.Converged, r.Message);
        Assert.Equal(1.0, r.X[0], 1e-8);
        Assert.Equal(1.0, r.X[1], 1e-8);
        Assert.InRange(r.Iterations, 5, 100);
    }

    [Fact]
    public void StepsOutsideTheDomain_AreRejected()
    {
        // f(x) = log x − x on x > 0 (−∞ outside), maximum at 1; the first Newton step from 5 leaves the domain.
        static SecondOrderPoint F(double[] x) => x[0] <= 0
            ? new SecondOrderPoint(double.NegativeInfinity, [0], [0])
            : new SecondOrderPoint(Math.Log(x[0]) - x[0], [1 / x[0] - 1], [-1 / (x[0] * x[0])]);
        var r = NewtonTrustRegion.Maximize(F, [5.0], tolerance: 1e-14);
        Assert.True(r.Converged, r.Message);
        Assert.Equal(1.0, r.X[0], 1e-6);
    }

    [Fact]
    public void NormalPair_CosineIsNormal_AndPairsAreUncorrelated()
    {
        var s = new PhiloxStream(11, 3);
        double sxy = 0, sx = 0, sy = 0;
        const int n = 50_000;
        for (ulong i = 0; i < n; i++)
        {
            var (c, sn) = s.NormalPair(i);
            Assert.Equal(s.Normal(i), c, 1e-14);
            sxy += c * sn;
            sx += c * c;
            sy += sn * sn;
        }
        Assert.InRange(sxy / n, -0.02, 0.02);
        Assert.InRange(sy / n, 0.97, 1.03);
        Assert.InRange(sx / n, 0.97, 1.03);
    }
}
