using FastGlmm.Optimization;

namespace FastGlmm.Tests.Optimization;

/// <summary>The bounded Nelder–Mead optimizer on problems with known minima.</summary>
public class BoundedNelderMeadTests
{
    private static readonly OptimizerSettings Tight = new() { FTolAbs = 1e-14, XTolRel = 1e-12, MaxEvaluations = 20_000 };

    [Fact]
    public void Rosenbrock_ReachesMinimum()
    {
        static double F(double[] x) => 100 * Math.Pow(x[1] - x[0] * x[0], 2) + Math.Pow(1 - x[0], 2);
        var r = BoundedNelderMead.Minimize(F, [-1.2, 1], [0.5, 0.5], [double.NegativeInfinity, double.NegativeInfinity],
            [double.PositiveInfinity, double.PositiveInfinity], Tight);
        Assert.True(r.Converged, r.Message);
        Assert.Equal(1.0, r.X[0], 1e-5);
        Assert.Equal(1.0, r.X[1], 1e-5);
        Assert.True(r.F < 1e-10);
    }

    [Fact]
    public void ActiveBounds_AreRespected()
    {
        // min (x-2)^2 + (y+1)^2 + xy/10 in x <= 1, y >= 0: at the corner (1, 0).
        var r = BoundedNelderMead.Minimize(x => Math.Pow(x[0] - 2, 2) + Math.Pow(x[1] + 1, 2) + x[0] * x[1] / 10,
            [0.5, 0.5], [0.2, 0.2], [double.NegativeInfinity, 0], [1, double.PositiveInfinity], Tight);
        Assert.Equal(1.0, r.X[0], 1e-9);
        Assert.Equal(0.0, r.X[1], 1e-9);
        Assert.Equal(2.0, r.F, 1e-9);
    }

    [Fact]
    public void OneDimension_InteriorMinimum()
    {
        var r = BoundedNelderMead.Minimize(x => Math.Pow(x[0] - 0.3, 2), [1], [0.1], [0], [double.PositiveInfinity], Tight);
        Assert.Equal(0.3, r.X[0], 1e-6);
    }

    [Fact]
    public void EvaluationLimit_IsReportedAsNotConverged()
    {
        static double F(double[] x) => 100 * Math.Pow(x[1] - x[0] * x[0], 2) + Math.Pow(1 - x[0], 2);
        var r = BoundedNelderMead.Minimize(F, [-1.2, 1], [0.5, 0.5], [-10, -10], [10, 10], Tight with { MaxEvaluations = 30 });
        Assert.False(r.Converged);
        Assert.Contains("limit of 30 evaluations", r.Message);
        Assert.InRange(r.Evaluations, 30, 40);
    }

    [Fact]
    public void NaNObjective_IsTreatedAsInfinite()
    {
        var r = BoundedNelderMead.Minimize(x => x[0] < 0.5 ? double.NaN : Math.Pow(x[0] - 1, 2), [2], [0.5],
            [double.NegativeInfinity], [double.PositiveInfinity], Tight);
        Assert.Equal(1.0, r.X[0], 1e-6);
    }
}
