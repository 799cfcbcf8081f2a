using System.Text.Json;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Likelihood;

namespace FastGlmm.Tests.Likelihood;

/// <summary>AGQ against lme4's nAGQ devfun (engine_reference.json) and against brute-force integration.</summary>
public class AgqObjectiveTests
{
    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var c in TestData.Json("engine_reference.json").GetProperty("cases").EnumerateArray())
            if (c.GetProperty("method").GetString()!.StartsWith("AGQ")) d.Add(c.GetProperty("id").GetString()!);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Agq_EqualsLme4DevfunPlusSaturatedConstant(string id)
    {
        var c = TestData.Json("engine_reference.json").GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        var frame = ModelFrame.Build(BuiltInDatasets.Load(c.GetProperty("dataset").GetString()!.Replace(".csv", "")),
            c.GetProperty("formula").GetString()!, new ModelFrameOptions { Family = FamilySpec.Parse(c.GetProperty("family").GetString()!) });
        int k = c.GetProperty("nAGQ").GetInt32();
        var agq = new AgqDeviance(frame, k);
        // lme4's D_AGQ omits the saturated log-likelihood: −2 log L = D_AGQ − 2 ℓ_sat.
        var fam = Family.For(frame.Family);
        double satConst = 0;
        for (int i = 0; i < frame.RowCount; i++)
        {
            double y = frame.Response.Y[i], w = frame.Response.Weights[i], mu = fam.InitialMu(y, w);
            satConst += -2 * fam.LogDensity(y, mu, w) - fam.DevianceResidual(y, mu, w);
        }
        int nt = agq.Layout.Count;
        foreach (var (par, obj) in new[] { ("par_opt", "objective_at_opt"), ("par2", "objective_at_perturbed") })
        {
            var v = c.GetProperty(par).EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
            double expected = c.GetProperty(obj).GetDouble() + satConst;
            Assert.Equal(expected, agq.Evaluate(v.AsSpan(0, nt), v.AsSpan(nt)), 1e-8 * Math.Abs(expected));
        }
    }

    [Fact]
    public void OneNode_EqualsLaplace()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        double[] theta = [0.7], beta = [-1.4, -1.0, -1.1, -1.6];
        Assert.Equal(new LaplaceDeviance(frame).Evaluate(theta, beta), new AgqDeviance(frame, 1).Evaluate(theta, beta), 1e-10);
    }

    [Theory]
    [InlineData("cbind(incidence, size - incidence) ~ period + (1 | herd)", "cbpp", new[] { 0.7 }, new[] { -1.4, -1.0, -1.1, -1.6 })]
    [InlineData("y ~ trt + (1 + week | ID)", "bacteria", new[] { 1.2, -0.1, 0.15 }, new[] { 2.8, -1.1, -0.6 })]
    public void ManyNodes_EqualBruteForceIntegration(string formula, string data, double[] theta, double[] beta)
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load(data), formula, new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        double agq = new AgqDeviance(frame, 30).Evaluate(theta, beta);
        Assert.Equal(BruteForce(frame, theta, beta, 80), agq, 1e-8 * Math.Abs(agq));
    }

    /// <summary>
    /// −2 Σ_clusters log ∫ p(y_c | b) N(b; 0, Σ) db by a non-adaptive tensor-product Gauss–Hermite rule
    /// (K nodes per dimension) written independently of the engine: b = T z, z ~ N(0, I).
    /// </summary>
    private static double BruteForce(ModelFrame frame, double[] theta, double[] beta, int k)
    {
        var fam = Family.For(frame.Family);
        var term = frame.RandomTerms.Single();
        int q = term.ColumnCount, n = frame.RowCount, p = frame.X.Columns;
        var t = new double[q * q];
        for (int j = 0, idx = 0; j < q; j++) for (int i = j; i < q; i++) t[j * q + i] = theta[idx++];
        var rule = GaussHermiteRule.Get(k);
        double total = 0;
        for (int level = 0; level < term.LevelCount; level++)
        {
            var rows = Enumerable.Range(0, n).Where(i => term.LevelOfRow[i] == level).ToArray();
            var logs = new List<double>();
            int count = (int)Math.Pow(k, q);
            for (int node = 0; node < count; node++)
            {
                var z = new double[q];
                double lw = 0;
                for (int d = 0, r = node; d < q; d++, r /= k) { z[d] = rule.Nodes[r % k]; lw += Math.Log(rule.Weights[r % k]); }
                var b = new double[q];
                for (int i = 0; i < q; i++) for (int j = 0; j <= i; j++) b[i] += t[j * q + i] * z[j];
                double ll = 0;
                foreach (int i in rows)
                {
                    double eta = 0;
                    for (int j = 0; j < p; j++) eta += frame.X.Column(j)[i] * beta[j];
                    for (int c = 0; c < q; c++) eta += term.Z[c * n + i] * b[c];
                    ll += fam.LogDensity(frame.Response.Y[i], fam.LinkInverse(eta), frame.Response.Weights[i]);
                }
                logs.Add(lw + ll);
            }
            double max = logs.Max();
            total += -2 * (max + Math.Log(logs.Sum(l => Math.Exp(l - max))));
        }
        return total;
    }

    [Fact]
    public void CrossedDesign_IsRefusedClearly()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("salamander"), "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        var e = Assert.Throws<UserInputException>(() => new AgqDeviance(frame, 5));
        Assert.Contains("crossed", e.Message);
    }
}
