using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Fitting;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// Crossed LMMs through the blocked factor (<see cref="CrossedBlock"/>): InstEval (one block of 4,114 random effects)
/// against lme4 1.1-31's devfun at fixed θ and its REML fit (tests/data/insteval_reference.json, made by
/// tests/data/rgen/insteval_reference.R); and the blocked path forced on small crossed, nested and vector-term designs
/// equal to the dense path.
/// </summary>
public class CrossedLmmTests
{
    private const string InstEval = "y ~ service + (1 | s) + (1 | d) + (1 | dept)";

    private static double[] Values(System.Text.Json.JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    [Fact]
    public void InstEvalDevianceEqualsLme4Devfun()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("insteval"), InstEval, new ModelFrameOptions());
        var cp = new LmmCrossProducts(frame);
        Assert.Single(cp.Blocks);
        Assert.NotNull(cp.Patterns[0]);
        Assert.Empty(cp.Blocks[0].ZtZ); // no dense 4114 × 4114 matrix
        var dev = new LmmDeviance(cp, new ThetaLayout(frame.RandomTerms));
        var reference = TestData.Json("insteval_reference.json").GetProperty("devfun");
        foreach (var (name, reml) in new[] { ("REML", true), ("ML", false) })
            foreach (var c in reference.GetProperty(name).EnumerateArray())
            {
                double d = dev.Evaluate(Values(c.GetProperty("theta")), reml).Deviance;
                Assert.Equal(c.GetProperty("value").GetDouble(), d, 1e-8 * Math.Abs(d));
            }
    }

    [Fact]
    public void InstEvalRemlFitMatchesLme4()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("insteval"), InstEval, new ModelFrameOptions());
        var fit = MixedModel.Fit(frame, new FitOptions { Reml = true });
        var r = TestData.Json("insteval_reference.json").GetProperty("fits").GetProperty("REML");
        Assert.True(fit.Convergence.Converged);
        Assert.True(fit.Deviance <= r.GetProperty("criterion").GetDouble() + 1e-4, $"{fit.Deviance:R}");
        var theta = Values(r.GetProperty("theta"));
        var beta = Values(r.GetProperty("beta"));
        for (int i = 0; i < theta.Length; i++) Assert.Equal(theta[i], fit.Theta[i], 2e-4);
        for (int i = 0; i < beta.Length; i++) Assert.Equal(beta[i], fit.Beta[i], 2e-4);
        Assert.Equal(r.GetProperty("sigma").GetDouble(), fit.Sigma!.Value, 1e-5);
    }

    public static TheoryData<string, string> SmallDesigns() => new()
    {
        { "penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)" },           // fully crossed
        { "sleepstudy", "Reaction ~ Days + (Days | Subject)" },                   // vector lead term, one level per block
        { "sleepstudy", "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)" },
        { "salamander", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)" },        // crossed in six blocks
        { "extra/contraception.csv", "age ~ livch + (1 | district/urban)" },     // nested: lead (urban:district), one trailing level
    };

    [Theory]
    [MemberData(nameof(SmallDesigns))]
    public void ForcedBlockedPathEqualsDense(string data, string formula)
    {
        var table = data.StartsWith("extra/") ? TestData.Dataset(data["extra/".Length..], "extra") : BuiltInDatasets.Load(data);
        var frame = ModelFrame.Build(table, formula, new ModelFrameOptions());
        var layout = new ThetaLayout(frame.RandomTerms);
        var dense = new LmmDeviance(new LmmCrossProducts(frame), layout);
        var blockedProducts = new LmmCrossProducts(frame, crossedMinSize: 2);
        Assert.Contains(blockedProducts.Patterns, x => x is not null);
        var blocked = new LmmDeviance(blockedProducts, layout);
        var rng = new Random(11);
        for (int rep = 0; rep < 4; rep++)
        {
            var theta = layout.Initial.ToArray().Select((t, i) => layout.IsDiagonal(i) ? 0.2 + 1.5 * rng.NextDouble() : rng.NextDouble() - 0.5).ToArray();
            foreach (bool reml in new[] { true, false })
            {
                var a = dense.Evaluate(theta, reml);
                var b = blocked.Evaluate(theta, reml);
                Assert.Equal(a.Deviance, b.Deviance, 1e-10 * Math.Abs(a.Deviance));
                for (int j = 0; j < a.Beta.Length; j++) Assert.Equal(a.Beta[j], b.Beta[j], 1e-9 * Math.Max(1, Math.Abs(a.Beta[j])));
            }
            var ua = dense.Modes(theta, dense.Evaluate(theta, true).Beta);
            var ub = blocked.Modes(theta, dense.Evaluate(theta, true).Beta);
            for (int j = 0; j < ua.Length; j++) Assert.Equal(ua[j], ub[j], 1e-9 * Math.Max(1, Math.Abs(ua[j])));
        }
    }

    [Fact]
    public void TwoHugeCrossedFactors_RefusedWithTheSize()
    {
        // 30,000 rows, 15,000 subjects × 14,000 items drawn at random: one block whose non-leading part (about 12,400
        // items) exceeds CrossedBlock.MaxTrailing. The cross products refuse it before any factorization.
        int n = 30_000;
        var rng = new Random(5);
        var y = new double[n];
        var g = new int[n];
        var h = new int[n];
        for (int i = 0; i < n; i++) { y[i] = rng.NextDouble(); g[i] = i / 2; h[i] = rng.Next(14_000); }
        var table = new FastGlmm.Data.DataTable([new FastGlmm.Data.NumericColumn("y", y),
            new FastGlmm.Data.FactorColumn("g", g, Enumerable.Range(0, n / 2).Select(i => "g" + i).ToArray()),
            new FastGlmm.Data.FactorColumn("h", h, Enumerable.Range(0, 14_000).Select(i => "h" + i).ToArray())], "huge");
        var frame = ModelFrame.Build(table, "y ~ 1 + (1 | g) + (1 | h)", new ModelFrameOptions());
        var e = Assert.Throws<UserInputException>(() => new LmmCrossProducts(frame));
        Assert.Contains("the crossed random effects (1 | h) have", e.Message);
        Assert.Contains("besides those of (1 | g)", e.Message);
        Assert.Contains("at most 10000 are supported", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
