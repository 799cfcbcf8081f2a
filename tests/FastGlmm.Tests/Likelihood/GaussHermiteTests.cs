using FastGlmm.Likelihood;

namespace FastGlmm.Tests.Likelihood;

/// <summary>Normalized Gauss–Hermite rules against closed forms and normal moments.</summary>
public class GaussHermiteTests
{
    [Fact]
    public void SmallRules_EqualClosedForms()
    {
        var r1 = GaussHermiteRule.Get(1);
        Assert.Equal(0.0, r1.Nodes[0]);
        Assert.Equal(1.0, r1.Weights[0]);
        var r2 = GaussHermiteRule.Get(2);
        Assert.Equal([-1.0, 1.0], r2.Nodes.Select(x => Math.Round(x, 14)));
        Assert.Equal(0.5, r2.Weights[0], 1e-15);
        var r3 = GaussHermiteRule.Get(3);
        Assert.Equal(-Math.Sqrt(3), r3.Nodes[0], 1e-14);
        Assert.Equal(0.0, r3.Nodes[1]);
        Assert.Equal(2.0 / 3, r3.Weights[1], 1e-15);
        Assert.Equal(1.0 / 6, r3.Weights[2], 1e-15);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(50)]
    public void Rule_IntegratesNormalMomentsExactly(int k)
    {
        var r = GaussHermiteRule.Get(k);
        Assert.Equal(1.0, r.Weights.Sum(), 1e-14);
        // E[Z^(2m)] = (2m - 1)!!, exact for 2m <= 2k - 1.
        double dfact = 1;
        for (int m = 1; 2 * m <= Math.Min(2 * k - 1, 30); m++)
        {
            dfact *= 2 * m - 1;
            double q = 0;
            for (int i = 0; i < k; i++) q += r.Weights[i] * Math.Pow(r.Nodes[i], 2 * m);
            Assert.Equal(1.0, q / dfact, 1e-11);
        }
        double odd = 0;
        for (int i = 0; i < k; i++) odd += r.Weights[i] * Math.Pow(r.Nodes[i], 3);
        Assert.Equal(0.0, odd, 1e-12);
    }

    [Fact]
    public void Rule_IntegratesSmoothFunction()
    {
        // E[exp(Z)] = exp(1/2); E[cos Z] = exp(-1/2).
        var r = GaussHermiteRule.Get(20);
        double a = 0, b = 0;
        for (int i = 0; i < r.Count; i++) { a += r.Weights[i] * Math.Exp(r.Nodes[i]); b += r.Weights[i] * Math.Cos(r.Nodes[i]); }
        Assert.Equal(Math.Exp(0.5), a, 1e-13);
        Assert.Equal(Math.Exp(-0.5), b, 1e-13);
    }

    [Fact]
    public void OutOfRange_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => GaussHermiteRule.Get(0));
}
