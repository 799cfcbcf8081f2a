using FastGlmm.Optimization;

namespace FastGlmm.Tests.Optimization;

/// <summary>BFGS with an analytic gradient on closed-form problems.</summary>
public class GradientQuasiNewtonTests
{
    [Fact]
    public void Rosenbrock_ReachesTheMinimum()
    {
        // f = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1).
        var o = GradientQuasiNewton.Minimize<InvalidOperationException>(v =>
        {
            double x = v[0], y = v[1];
            return ((1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x), [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]);
        }, [-1.2, 1.0], 1e-14, 2000);
        Assert.True(o.Converged, o.Message);
        Assert.Equal(1, o.X[0], 1e-6);
        Assert.Equal(1, o.X[1], 1e-6);
        Assert.True(o.Evaluations < 200, $"{o.Evaluations}");
    }

    [Fact]
    public void Quadratic_ConvergesInFewSteps()
    {
        // f = ½(x − c)'D(x − c) with D = diag(1, 10, 100, 1000): BFGS needs about n + 1 steps.
        double[] d = [1, 10, 100, 1000], c = [0.5, -1, 2, 0.25];
        var o = GradientQuasiNewton.Minimize<InvalidOperationException>(v =>
        {
            double f = 0;
            var g = new double[4];
            for (int i = 0; i < 4; i++) { g[i] = d[i] * (v[i] - c[i]); f += 0.5 * d[i] * (v[i] - c[i]) * (v[i] - c[i]); }
            return (f, g);
        }, new double[4], 1e-16, 500);
        Assert.True(o.Converged, o.Message);
        for (int i = 0; i < 4; i++) Assert.Equal(c[i], o.X[i], 1e-7);
        Assert.True(o.Evaluations < 40, $"{o.Evaluations}");
    }

    [Fact]
    public void FailedStepsAndMissingGradients_AreReported()
    {
        // A failure type thrown outside x < 3 makes those trial steps fail; the minimum at x = 5 is out of reach and the
        // line search stops short, not converged.
        var o = GradientQuasiNewton.Minimize<ArithmeticException>(v =>
        {
            if (v[0] > 3) throw new ArithmeticException("outside");
            return ((v[0] - 5) * (v[0] - 5), [2 * (v[0] - 5)]);
        }, [0.0], 1e-12, 200);
        Assert.False(o.Converged);
        Assert.True(o.X[0] <= 3 && o.X[0] > 2.5, $"{o.X[0]}");
        var none = GradientQuasiNewton.Minimize<ArithmeticException>(_ => (1.0, null), [0.0], 1e-12, 10);
        Assert.False(none.Converged);
        Assert.Contains("no gradient", none.Message);
    }

    /// <summary>
    /// The deferred form takes the same steps as the immediate one, asks for the gradient only where the decrease test
    /// passes (fewer times than it evaluates f on a function whose line searches backtrack), and disposes every handle.
    /// </summary>
    [Fact]
    public void Deferred_SameIterates_GradientOnlyAtAcceptedPoints()
    {
        static double F(double[] v) => 100 * Math.Pow(v[1] - v[0] * v[0], 2) + Math.Pow(1 - v[0], 2);
        static double[] G(double[] v) => [-400 * v[0] * (v[1] - v[0] * v[0]) - 2 * (1 - v[0]), 200 * (v[1] - v[0] * v[0])];
        var immediate = GradientQuasiNewton.Minimize<ArithmeticException>(v => (F(v), G(v)), [-1.2, 1.0], 1e-14, 500);
        int gradients = 0, open = 0;
        var deferred = GradientQuasiNewton.MinimizeDeferred<ArithmeticException>(v =>
        {
            open++;
            return (F(v), new Counting(() => { gradients++; return G(v); }, () => open--));
        }, [-1.2, 1.0], 1e-14, 500);
        Assert.True(immediate.Converged);
        Assert.Equal(immediate.X, deferred.X);
        Assert.Equal(immediate.Evaluations, deferred.Evaluations);
        Assert.Equal(1.0, deferred.X[0], 1e-6);
        Assert.True(gradients < deferred.Evaluations, $"{gradients} gradients for {deferred.Evaluations} evaluations");
        Assert.Equal(0, open);
    }

    private sealed class Counting(Func<double[]> gradient, Action dispose) : IDeferredGradient
    {
        public double[]? Gradient() => gradient();

        public void Dispose() => dispose();
    }
}
