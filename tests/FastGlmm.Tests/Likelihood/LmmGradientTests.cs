using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Fitting;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// The analytic gradient of the profiled LMM deviance (<see cref="LmmDeviance.EvaluateWithGradient"/>) against
/// Richardson-extrapolated central differences of the deviance, REML and ML, on the dense path and forced through the
/// blocked crossed factor (scalar and vector terms, nested, crossed, prior weights, an unbalanced subset); and the
/// BFGS fit reaching lme4's optimum or below on a kb07-shaped maximal crossed design (20 θ).
/// </summary>
public class LmmGradientTests
{
    public static TheoryData<string, string, string?, int> Designs() => new()
    {
        { "sleepstudy", "Reaction ~ Days + (Days | Subject)", null, 600 },
        { "sleepstudy", "Reaction ~ Days + (Days | Subject)", null, 2 },
        { "sleepstudy", "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", null, 600 },
        { "penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", null, 600 },
        { "penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", null, 2 },
        { "salamander", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)", null, 2 },
        { "extra/contraception.csv", "age ~ livch + (1 | district/urban)", null, 2 },
        { "extra/contraception.csv", "age ~ livch + (1 + urban | district)", null, 600 },
        { "weighted/sleepstudy", "Reaction ~ Days + (Days | Subject)", "w", 600 },
        { "weighted/sleepstudy", "Reaction ~ Days + (Days | Subject)", "w", 2 },
        { "extra/kb07_sim.csv", "rt ~ 1 + spkr * prec * load + (1 + spkr + prec + load | subj) + (1 + spkr + prec + load | item)", null, 2 },
    };

    private static FastGlmm.Data.DataTable Table(string data)
    {
        if (data.StartsWith("extra/")) return TestData.Dataset(data["extra/".Length..], "extra");
        if (!data.StartsWith("weighted/")) return BuiltInDatasets.Load(data);
        // Prior weights w = 1 + Days mod 3 (the weighted case of tests/data/engine_reference.json).
        var t = BuiltInDatasets.Load(data["weighted/".Length..]);
        var days = ((FastGlmm.Data.NumericColumn)t["Days"]).Values.ToArray();
        return t.WithColumn(new FastGlmm.Data.NumericColumn("w", Enumerable.Range(0, days.Length).Select(i => 1 + days[i] % 3).ToArray()));
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void GradientEqualsDifferencesOfTheDeviance(string data, string formula, string? weights, int crossedMinSize)
    {
        var frame = ModelFrame.Build(Table(data), formula, new ModelFrameOptions { WeightsColumn = weights });
        var layout = new ThetaLayout(frame.RandomTerms);
        var dev = new LmmDeviance(new LmmCrossProducts(frame, crossedMinSize), layout);
        var rng = new Random(3);
        for (int rep = 0; rep < 2; rep++)
        {
            var theta = Enumerable.Range(0, layout.Count).Select(i => layout.IsDiagonal(i) ? 0.3 + rng.NextDouble() : 0.6 * (rng.NextDouble() - 0.5)).ToArray();
            if (rep == 1 && layout.IsDiagonal(0)) theta[0] = -theta[0]; // a negative diagonal: the same fit, the gradient flips
            foreach (bool reml in new[] { true, false })
            {
                var (e, g) = dev.EvaluateWithGradient(theta, reml);
                Assert.NotNull(g);
                Assert.Equal(dev.Evaluate(theta, reml).Deviance, e.Deviance, 1e-12 * Math.Abs(e.Deviance));
                for (int k = 0; k < theta.Length; k++)
                {
                    double fd = Richardson(t => dev.Evaluate(t, reml).Deviance, theta, k);
                    Assert.True(Math.Abs(g![k] - fd) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"θ[{k}] ({reml}): analytic {g[k]:R}, differences {fd:R}");
                }
            }
        }
    }

    [Fact]
    public void SingularFactorHasNoGradient()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)");
        var dev = new LmmDeviance(new LmmCrossProducts(frame), new ThetaLayout(frame.RandomTerms));
        var (e, g) = dev.EvaluateWithGradient([0.9, 0.1, 0.0], true);
        Assert.Null(g);
        Assert.Equal(dev.Evaluate([0.9, 0.1, 0.0], true).Deviance, e.Deviance);
    }

    [Fact]
    public void CanonicalFlipsColumnsWithNegativeDiagonals()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)");
        var layout = new ThetaLayout(frame.RandomTerms);
        var dev = new LmmDeviance(new LmmCrossProducts(frame), layout);
        double[] theta = [-0.9, 0.1, -0.2];
        var c = (double[])theta.Clone();
        layout.Canonicalize(c);
        Assert.Equal([0.9, -0.1, 0.2], c);
        Assert.Equal(dev.Evaluate(theta, true).Deviance, dev.Evaluate(c, true).Deviance, 1e-9);
    }

    /// <summary>
    /// kb07-shaped (simulated by tests/data/rgen/kb07_sim_reference.R): 56 subjects × 32 items, maximal random effects on
    /// both, ML. lme4 1.1-31 stops at deviance 28599.74497617 after 330 evaluations (a boundary fit); BFGS must reach it or
    /// better (it finds 28598.6512), within a few hundred evaluations.
    /// </summary>
    [Fact]
    public void Kb07MaximalModelReachesLme4OrBetter()
    {
        var frame = ModelFrame.Build(TestData.Dataset("kb07_sim.csv", "extra"),
            "rt ~ 1 + spkr * prec * load + (1 + spkr + prec + load | subj) + (1 + spkr + prec + load | item)", new ModelFrameOptions());
        var fit = MixedModel.Fit(frame, new FitOptions { Reml = false });
        Assert.Equal(20, fit.Theta.Length);
        Assert.True(fit.Deviance <= 28599.74497617 + 1e-3, $"{fit.Deviance:R}");
        Assert.True(fit.Convergence.Evaluations < 600, $"{fit.Convergence.Evaluations} evaluations");
        Assert.StartsWith("quasi-Newton (BFGS)", fit.Convergence.Optimizer);
        // lme4's fixed effects (the fits differ by 1.1 deviance units along near-singular directions; β barely moves).
        double[] beta = [2144.72098214, 118.02455357, -310.96428571, 80.67633929, -23.33482143, 82.66964286, 174.66517857, 44.32142857];
        for (int j = 0; j < beta.Length; j++) Assert.Equal(beta[j], fit.Beta[j], 0.5);
    }

    /// <summary>Central differences at steps h, h/2 extrapolated: (4D(h/2) − D(h))/3, error O(h⁴).</summary>
    private static double Richardson(Func<double[], double> f, double[] x, int k)
    {
        double D(double h)
        {
            var a = (double[])x.Clone();
            var b = (double[])x.Clone();
            a[k] += h;
            b[k] -= h;
            return (f(a) - f(b)) / (2 * h);
        }
        double h0 = 1e-3 * Math.Max(1, Math.Abs(x[k]));
        return (4 * D(h0 / 2) - D(h0)) / 3;
    }
}
