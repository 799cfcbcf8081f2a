using FastGlmm.Optimization;

namespace FastGlmm.Tests.Optimization;

/// <summary>
/// The ask/tell form of the bounded trust-region method: driven from outside it asks for exactly the points
/// Minimize evaluates and returns the same result; many runs interleaved in lockstep do not disturb each other;
/// misuse is refused.
/// </summary>
public class TrustRegionRunTests
{
    private static double Rosenbrock(double[] x)
    {
        double s = 0;
        for (int i = 0; i + 1 < x.Length; i++) s += 100 * Math.Pow(x[i + 1] - x[i] * x[i], 2) + Math.Pow(1 - x[i], 2);
        return s;
    }

    [Fact]
    public void AskTell_AsksForMinimizesPoints_AndGivesItsResult()
    {
        double[] x0 = [-1.2, 1, 0.5, -0.3], lo = [-2, -2, 0.2, -2], hi = [2, 2, 2, 2];
        var seen = new List<double[]>();
        var direct = BoundedTrustRegion.Minimize(x => { seen.Add(x); return Rosenbrock(x); }, x0, 0.5, 1e-7, lo, hi);
        var run = BoundedTrustRegion.Start(x0, 0.5, 1e-7, lo, hi);
        int k = 0;
        while (run.Ask() is { } x)
        {
            Assert.Equal(seen[k++], x);
            run.Tell(Rosenbrock(x));
        }
        Assert.Equal(seen.Count, k);
        Assert.True(run.Finished);
        Assert.Equal(direct.X, run.Result.X);
        Assert.Equal(direct.F, run.Result.F);
        Assert.Equal(direct.Evaluations, run.Result.Evaluations);
        Assert.True(run.Result.Converged);
        Assert.True(run.Result.F < 0.1 * Rosenbrock(x0), $"f = {run.Result.F}"); // a local minimum (f ≈ 3.70) of the 4-D chain
    }

    [Fact]
    public void LockstepRuns_MatchSeparateRuns()
    {
        // Twenty shifted quadratics in 3-D with a bound active for half of them, advanced one point each per round.
        int r = 20;
        Func<double[], double> F(int j) => x => Math.Pow(x[0] - 0.1 * j, 2) + 2 * Math.Pow(x[1] + 1, 2) + Math.Pow(x[2] - x[0], 2) + 0.5 * x[0] * x[1];
        double[] lo = [-5, -0.5, -5], hi = [5, 5, 5];
        var separate = Enumerable.Range(0, r).Select(j => BoundedTrustRegion.Minimize(F(j), [0, 0, 0], 0.5, 1e-6, lo, hi)).ToArray();
        var runs = Enumerable.Range(0, r).Select(_ => BoundedTrustRegion.Start([0, 0, 0], 0.5, 1e-6, lo, hi)).ToArray();
        int rounds = 0;
        while (true)
        {
            var asked = runs.Select(run => run.Ask()).ToArray();
            if (asked.All(x => x is null)) break;
            rounds++;
            for (int j = 0; j < r; j++) if (asked[j] is { } x) runs[j].Tell(F(j)(x));
        }
        Assert.Equal(separate.Max(s => s.Evaluations), rounds);
        for (int j = 0; j < r; j++)
        {
            Assert.Equal(separate[j].X, runs[j].Result.X);
            Assert.Equal(separate[j].Evaluations, runs[j].Result.Evaluations);
        }
    }

    [Fact]
    public void AllVariablesFixed_AsksOnce()
    {
        var run = BoundedTrustRegion.Start([1, 2], 0.5, 1e-3, [1, 2], [1, 2]);
        var x = run.Ask()!;
        Assert.Equal([1.0, 2.0], x);
        run.Tell(7);
        Assert.Null(run.Ask());
        Assert.Equal(7, run.Result.F);
        Assert.Equal(1, run.Result.Evaluations);
    }

    [Fact]
    public void Misuse_IsRefused()
    {
        var run = BoundedTrustRegion.Start([0.0], 0.5, 1e-3, [-1.0], [1.0]);
        Assert.Throws<InvalidOperationException>(() => run.Tell(1));
        Assert.Throws<InvalidOperationException>(() => run.Result);
        run.Ask();
        Assert.Throws<InvalidOperationException>(() => run.Ask());
    }
}
