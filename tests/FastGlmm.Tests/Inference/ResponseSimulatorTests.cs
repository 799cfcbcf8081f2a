using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Tests.Inference;

/// <summary>Simulated responses: reproducible per (seed, replicate, row), with the moments the model implies.</summary>
public class ResponseSimulatorTests
{
    [Fact]
    public void SameSeedAndReplicate_GiveIdenticalResponses()
    {
        var prob = new GlmmProblem(ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") }));
        double[] theta = [0.64], beta = [-1.4, -1.0, -1.1, -1.6];
        var a = ResponseSimulator.Simulate(prob, theta, beta, 1, seed: 7, replicate: 3);
        var b = ResponseSimulator.Simulate(prob, theta, beta, 1, seed: 7, replicate: 3);
        var c = ResponseSimulator.Simulate(prob, theta, beta, 1, seed: 7, replicate: 4);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // Binomial proportions on the trials' grid.
        for (int i = 0; i < a.Length; i++) Assert.Equal(Math.Round(a[i] * prob.Weights[i]), a[i] * prob.Weights[i], 1e-9);
    }

    [Fact]
    public void Poisson_MeanAndVariance_MatchLognormalMixture()
    {
        // y ~ Poisson(exp(β0 + b)), b ~ N(0, θ²): E[y] = exp(β0 + θ²/2), Var[y] = E[y] + E[y]²(exp(θ²) − 1).
        int groups = 50, per = 4;
        var g = Enumerable.Range(0, groups * per).Select(i => "g" + (i / per)).ToArray();
        var t = new DataTable([new NumericColumn("y", new double[groups * per]), FactorColumn.FromLabels("g", g)]);
        var prob = new GlmmProblem(ModelFrame.Build(t, "y ~ 1 + (1 | g)", new ModelFrameOptions { Family = FamilySpec.Parse("poisson") }));
        double theta = 0.5, beta0 = 0.7;
        int reps = 4000;
        double s = 0, ss = 0;
        long count = 0;
        for (int r = 0; r < reps; r++)
            foreach (var v in ResponseSimulator.Simulate(prob, [theta], [beta0], 1, seed: 20261121, replicate: r))
            {
                s += v; ss += v * v; count++;
            }
        double mean = s / count, variance = ss / count - mean * mean;
        double m = Math.Exp(beta0 + theta * theta / 2), v2 = m + m * m * (Math.Exp(theta * theta) - 1);
        // Rows in a group share b, so the effective sample size is about reps × groups.
        double se = Math.Sqrt(v2 / (reps * groups));
        Assert.InRange(mean, m - 5 * se, m + 5 * se);
        Assert.InRange(variance, v2 * 0.9, v2 * 1.1);
    }

    [Fact]
    public void InverseGaussian_DrawsHaveItsMeanAndVariance()
    {
        // y ~ IG(μ, shape w/φ): E[y] = μ, Var[y] = φμ³/w; with μ = 2, φ = 0.2 and w = 1 or 4 (20,000 rows of each).
        int n = 40_000;
        var t = new DataTable([new NumericColumn("y", Enumerable.Repeat(1.0, n).ToArray()),
            new NumericColumn("w", Enumerable.Range(0, n).Select(i => i % 2 == 0 ? 1.0 : 4.0).ToArray())]);
        var prob = new GlmmProblem(ModelFrame.Build(t, "y ~ 1", new ModelFrameOptions { Family = FamilySpec.Parse("inverse.gaussian(log)"), WeightsColumn = "w" }));
        var y = ResponseSimulator.SimulateAtMeans(prob, Enumerable.Repeat(2.0, n).ToArray(), 0.2, seed: 20261207, replicate: 0);
        foreach (int parity in new[] { 0, 1 })
        {
            var part = y.Where((_, i) => i % 2 == parity).ToArray();
            double w = parity == 0 ? 1 : 4, v = 0.2 * 8 / w, mean = part.Average(), variance = part.Select(x => (x - mean) * (x - mean)).Sum() / (part.Length - 1);
            Assert.True(part.All(x => x > 0));
            Assert.InRange(mean, 2 - 5 * Math.Sqrt(v / part.Length), 2 + 5 * Math.Sqrt(v / part.Length));
            Assert.InRange(variance, 0.93 * v, 1.07 * v);
        }
    }

    [Fact]
    public void ConditionalOnModes_HasNoRandomEffectNoise()
    {
        var t = new DataTable([new NumericColumn("y", new double[40]), new NumericColumn("x", Enumerable.Range(0, 40).Select(i => i / 10.0).ToArray()),
            FactorColumn.FromLabels("g", Enumerable.Range(0, 40).Select(i => "g" + (i % 4)).ToArray())]);
        var prob = new GlmmProblem(ModelFrame.Build(t, "y ~ x + (1 | g)"));
        var u = new double[prob.TotalRandomEffects];
        Array.Fill(u, 0.5);
        // σ = 0: y = Xβ + Λû exactly.
        var y = ResponseSimulator.Simulate(prob, [2.0], [1.0, 3.0], 0, seed: 1, replicate: 0, modes: u);
        for (int i = 0; i < y.Length; i++) Assert.Equal(1.0 + 3.0 * prob.X[prob.N + i] + 2.0 * 0.5, y[i], 1e-12);
    }
}
