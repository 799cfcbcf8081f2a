using FastGlmm.Optimization;

namespace FastGlmm.Tests.Optimization;

/// <summary>The BOBYQA-class bounded trust-region optimizer on problems with known minima.</summary>
public class BoundedTrustRegionTests
{
    private const double Inf = double.PositiveInfinity;

    private static double[] Fill(int n, double v) => Enumerable.Repeat(v, n).ToArray();

    private static double Sq(double v) => v * v;

    /// <summary>Chained Rosenbrock Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at (1, …, 1).</summary>
    private static double Rosenbrock(double[] x)
    {
        double s = 0;
        for (int i = 0; i + 1 < x.Length; i++) s += 100 * Sq(x[i + 1] - x[i] * x[i]) + Sq(1 - x[i]);
        return s;
    }

    /// <summary>Wraps f and counts its calls (and its NaN results).</summary>
    private sealed class Counted(Func<double[], double> f)
    {
        public int Calls, NaNs;

        public double Eval(double[] x)
        {
            Calls++;
            double v = f(x);
            if (double.IsNaN(v)) NaNs++;
            return v;
        }
    }

    [Fact]
    public void Rosenbrock2D_ReachesMinimum()
    {
        var c = new Counted(Rosenbrock);
        var r = BoundedTrustRegion.Minimize(c.Eval, [-1.2, 1], 0.5, 1e-8, Fill(2, -Inf), Fill(2, Inf));
        Assert.True(r.Converged, r.Message);
        Assert.Contains("rhoEnd", r.Message);
        Assert.Equal(c.Calls, r.Evaluations);
        Assert.Equal(1.0, r.X[0], 1e-5);
        Assert.Equal(1.0, r.X[1], 1e-5);
        Assert.True(r.F < 1e-10, $"F = {r.F}");
        Assert.True(r.Evaluations <= 300, $"{r.Evaluations} evaluations");
    }

    [Fact]
    public void Rosenbrock5D_ReachesMinimum()
    {
        var c = new Counted(Rosenbrock);
        var r = BoundedTrustRegion.Minimize(c.Eval, [-1.2, 1, -1.2, 1, -1.2], 0.5, 1e-8, Fill(5, -Inf), Fill(5, Inf));
        Assert.True(r.Converged, r.Message);
        Assert.Equal(c.Calls, r.Evaluations);
        for (int i = 0; i < 5; i++) Assert.Equal(1.0, r.X[i], 1e-5);
        Assert.True(r.Evaluations <= 1000, $"{r.Evaluations} evaluations");
    }

    [Fact]
    public void ConvexQuadratic10D_WithActiveBounds_ReachesKktPoint()
    {
        // f(x) = ½(x − x*)ᵀA(x − x*) + gᵀ(x − x*) with A ≻ 0, g_i = 0 on free coordinates and g_i pointing into
        // the box where x*_i is put on a bound: the KKT conditions hold at x*, so x* is the unique minimizer.
        const int n = 10;
        var rng = new Random(7);
        var m = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i, j] = rng.NextDouble() - 0.5;
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? 1 : 0;
                for (int k = 0; k < n; k++) s += m[i, k] * m[j, k];
                a[i, j] = s;
            }
        var xs = Enumerable.Range(0, n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        var lo = Fill(n, -Inf);
        var hi = Fill(n, Inf);
        var g = new double[n];
        (lo[1], g[1]) = (xs[1], 0.7);
        (hi[4], g[4]) = (xs[4], -1.3);
        (lo[7], g[7]) = (xs[7], 2.0);
        hi[9] = xs[9] + 0.5; // an inactive finite bound
        double F(double[] x)
        {
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                double di = x[i] - xs[i];
                s += g[i] * di;
                for (int j = 0; j < n; j++) s += 0.5 * di * a[i, j] * (x[j] - xs[j]);
            }
            return s;
        }
        var r = BoundedTrustRegion.Minimize(F, Fill(n, 0.5), 0.5, 1e-8, lo, hi);
        Assert.True(r.Converged, r.Message);
        for (int i = 0; i < n; i++) Assert.Equal(xs[i], r.X[i], 1e-6);
        Assert.Equal(lo[1], r.X[1], 1e-12);
        Assert.Equal(hi[4], r.X[4], 1e-12);
        Assert.Equal(lo[7], r.X[7], 1e-12);
        Assert.True(r.F < 1e-11, $"F = {r.F}");
        Assert.True(r.Evaluations <= 400, $"{r.Evaluations} evaluations");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public void VarianceLikeParameter_OptimumOnZeroBound(double start)
    {
        // min (x0 + 0.3)² + (x1 − 1)² with x0 ≥ 0: x0 = 0 (a variance component at the boundary), x1 = 1.
        var c = new Counted(x => Sq(x[0] + 0.3) + Sq(x[1] - 1));
        var r = BoundedTrustRegion.Minimize(c.Eval, [start, 0], 0.2, 1e-8, [0, -Inf], [Inf, Inf]);
        Assert.True(r.Converged, r.Message);
        Assert.Equal(c.Calls, r.Evaluations);
        Assert.Equal(0.0, r.X[0], 1e-12);
        Assert.Equal(1.0, r.X[1], 1e-7);
        Assert.Equal(0.09, r.F, 1e-12);
        Assert.True(r.Evaluations <= 60, $"{r.Evaluations} evaluations");
    }

    [Theory]
    [InlineData(0.3, 0.0, Inf, 0.3)]   // interior minimum
    [InlineData(-1.0, 0.0, Inf, 0.0)]  // on the lower bound
    [InlineData(2.0, -Inf, 1.5, 1.5)]  // on the upper bound
    public void OneDimension(double centre, double lower, double upper, double expected)
    {
        var r = BoundedTrustRegion.Minimize(x => Sq(x[0] - centre) + 0.1 * Math.Pow(x[0] - centre, 4), [1], 0.1, 1e-9,
            [lower], [upper]);
        Assert.True(r.Converged, r.Message);
        Assert.Equal(expected, r.X[0], 1e-7);
        Assert.True(r.Evaluations <= 40, $"{r.Evaluations} evaluations");
    }

    [Fact]
    public void NaNRegion_HitByTrustRegionSteps_IsAvoided()
    {
        // Rosenbrock, undefined outside the disk of radius 2 (the minimum (1, 1) lies inside).
        var c = new Counted(x => x[0] * x[0] + x[1] * x[1] > 4 ? double.NaN : Rosenbrock(x));
        var r = BoundedTrustRegion.Minimize(c.Eval, [-1.2, 1], 1, 1e-8, Fill(2, -Inf), Fill(2, Inf));
        Assert.True(c.NaNs > 0, "the test should hit the NaN region");
        Assert.True(r.Converged, r.Message);
        Assert.Equal(1.0, r.X[0], 1e-5);
        Assert.Equal(1.0, r.X[1], 1e-5);
        Assert.True(double.IsFinite(r.F));
    }

    [Fact]
    public void NaNAndInfinity_LikeAFailedFit_AreTreatedAsLarge()
    {
        // A 4-parameter quadratic whose "variance" x0 ≥ 0 gives NaN beyond 1.5 and +∞ for x1 < −2; the first
        // steps (ρ_begin = 1) overshoot into the NaN region. Minimum: 6(x0 − ½) + x1 = 0, 2(x1 − 1) + x0 = 0.
        var c = new Counted(x => x[0] > 1.5 ? double.NaN : x[1] < -2 ? Inf
            : 3 * Sq(x[0] - 0.5) + Sq(x[1] - 1) + 2 * Sq(x[2] + 1) + Sq(x[3] - 0.3) + x[0] * x[1]);
        var r = BoundedTrustRegion.Minimize(c.Eval, [1, 0, 0, 0], 1, 1e-8, [0, -Inf, -Inf, -Inf], Fill(4, Inf));
        Assert.True(c.NaNs > 0, "the test should hit the NaN region");
        Assert.True(r.Converged, r.Message);
        Assert.Equal(4.0 / 11, r.X[0], 1e-6);
        Assert.Equal(9.0 / 11, r.X[1], 1e-6);
        Assert.Equal(-1.0, r.X[2], 1e-6);
        Assert.Equal(0.3, r.X[3], 1e-6);
    }

    [Fact]
    public void NaNAtStart_StopsUnconverged()
    {
        var r = BoundedTrustRegion.Minimize(_ => double.NaN, [0.5, 0.5], 0.1, 1e-6, Fill(2, -Inf), Fill(2, Inf));
        Assert.False(r.Converged);
        Assert.Contains("not finite", r.Message);
        Assert.Equal(1, r.Evaluations);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(3)]
    public void EvaluationLimit_IsReportedAsNotConverged(int limit)
    {
        var c = new Counted(Rosenbrock);
        var r = BoundedTrustRegion.Minimize(c.Eval, [-1.2, 1], 0.5, 1e-8, [-10, -10], [10, 10],
            new OptimizerSettings { MaxEvaluations = limit });
        Assert.False(r.Converged);
        Assert.Contains($"limit of {limit} evaluations", r.Message);
        Assert.Equal(limit, r.Evaluations);
        Assert.Equal(limit, c.Calls);
        Assert.Equal(Rosenbrock(r.X), r.F);
    }

    [Fact]
    public void FixedVariable_IsPassedThrough()
    {
        var seen = new List<double>();
        var r = BoundedTrustRegion.Minimize(x => { seen.Add(x[1]); return Sq(x[0] - 0.5) + Sq(x[2] - x[1]); },
            [0, 3, 0], 0.2, 1e-8, [0, 3, -Inf], [Inf, 3, Inf]);
        Assert.True(r.Converged, r.Message);
        Assert.All(seen, v => Assert.Equal(3.0, v));
        Assert.Equal(0.5, r.X[0], 1e-7);
        Assert.Equal(3.0, r.X[1]);
        Assert.Equal(3.0, r.X[2], 1e-7);
    }

    [Fact]
    public void InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => BoundedTrustRegion.Minimize(x => x[0], [0], 1e-3, 1e-2, [-1], [1]));
        Assert.Throws<ArgumentException>(() => BoundedTrustRegion.Minimize(x => x[0], [0], 0, 0, [-1], [1]));
        Assert.Throws<ArgumentException>(() => BoundedTrustRegion.Minimize(x => x[0], [0], 0.1, 1e-6, [1], [-1]));
        Assert.Throws<ArgumentException>(() => BoundedTrustRegion.Minimize(x => x[0], [0, 0], 0.1, 1e-6, [-1], [1]));
    }

    [Fact]
    public void SmoothFourParameterProblem_NeedsFarFewerEvaluationsThanNelderMead()
    {
        // f(x) = Σ_k log(2 + 2cosh(a_k·(x − x*))): smooth, not quadratic, minimum exactly at x*; x0 ≥ 0 inactive.
        var rng = new Random(20240611);
        var a = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, 4).Select(_ => 2 * rng.NextDouble() - 1).ToArray()).ToArray();
        double[] xs = [0.5, -1, 2, 0.1];
        double F(double[] x)
        {
            double s = 0;
            foreach (var ak in a)
            {
                double t = 0;
                for (int j = 0; j < 4; j++) t += ak[j] * (x[j] - xs[j]);
                s += Math.Log(2 + 2 * Math.Cosh(t));
            }
            return s;
        }
        double Error(double[] x) => x.Select((v, j) => Math.Abs(v - xs[j])).Max();
        double[] lower = [0, -Inf, -Inf, -Inf], upper = Fill(4, Inf), x0 = [1, 0, 0, 0];
        var nm = BoundedNelderMead.Minimize(F, x0, Fill(4, 0.5), lower, upper,
            new OptimizerSettings { FTolAbs = 1e-12, XTolRel = 1e-10 });
        var tr = BoundedTrustRegion.Minimize(F, x0, 0.5, 1e-6, lower, upper);
        Assert.True(nm.Converged && tr.Converged);
        Assert.True(Error(nm.X) < 1e-5, $"Nelder–Mead error {Error(nm.X)}");
        Assert.True(Error(tr.X) <= Error(nm.X), $"trust region error {Error(tr.X)} vs Nelder–Mead {Error(nm.X)}");
        Assert.True(tr.F <= nm.F);
        Assert.True(tr.Evaluations <= 0.4 * nm.Evaluations, $"trust region {tr.Evaluations} vs Nelder–Mead {nm.Evaluations}");
    }

    /// <summary>f(x) = ½(x − x*)ᵀH(x − x*), n = 6, H_ii = 1 and H_ij = 0.8(−1)^(i+j): eigenvalues 0.2 and 5.</summary>
    private static (Func<double[], double> F, double[] H, double[] Xs) CorrelatedQuadratic()
    {
        const int n = 6;
        var h = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) h[i * n + j] = i == j ? 1 : 0.8 * Math.Pow(-1, i + j);
        double[] xs = [0.7, -0.4, 1.1, 0.2, -0.9, 0.5];
        double F(double[] x)
        {
            double s = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) s += 0.5 * (x[i] - xs[i]) * h[i * n + j] * (x[j] - xs[j]);
            return s;
        }
        return (F, h, xs);
    }

    [Fact]
    public void ModelHessian_FromARelatedProblem_CutsEvaluations()
    {
        // The exact curvature given up front leaves only the gradient to learn; without it the off-diagonal
        // curvature (|H_ij| = 0.8) must be discovered point by point.
        var (f, h, xs) = CorrelatedQuadratic();
        var lo = Fill(6, -Inf);
        var hi = Fill(6, Inf);
        var plain = BoundedTrustRegion.Minimize(f, new double[6], 0.5, 1e-6, lo, hi);
        var seeded = BoundedTrustRegion.Minimize(f, new double[6], 0.5, 1e-6, lo, hi, modelHessian: h);
        Assert.True(plain.Converged && seeded.Converged);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(xs[i], plain.X[i], 1e-4);
            Assert.Equal(xs[i], seeded.X[i], 1e-4);
        }
        Assert.True(seeded.Evaluations < 0.6 * plain.Evaluations, $"seeded {seeded.Evaluations} vs plain {plain.Evaluations}");
    }

    [Fact]
    public void ModelHessian_WrongSize_IsRejected()
    {
        var (f, _, _) = CorrelatedQuadratic();
        Assert.Throws<ArgumentException>(() => BoundedTrustRegion.Minimize(f, new double[6], 0.5, 1e-6, Fill(6, -Inf), Fill(6, Inf),
            modelHessian: new double[35]));
    }

    [Fact]
    public void LongRun_ManyInterpolationUpdates_StaysAccurate()
    {
        // Ten variables from far away to ρ_end = 1e-9: hundreds of point replacements, most by the O(dim²) update
        // of Ω about a fixed base, across many moves of x_opt and all ρ levels.
        var r = BoundedTrustRegion.Minimize(Rosenbrock, Fill(10, -0.5), 0.5, 1e-9, Fill(10, -Inf), Fill(10, Inf),
            new OptimizerSettings { MaxEvaluations = 20_000 });
        Assert.True(r.Converged, r.Message);
        for (int i = 0; i < 10; i++) Assert.Equal(1.0, r.X[i], 1e-6);
        Assert.True(r.F < 1e-12, $"F = {r.F}");
    }
}
