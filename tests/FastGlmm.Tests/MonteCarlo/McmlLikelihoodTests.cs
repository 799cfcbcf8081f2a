using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Likelihood;
using FastGlmm.Model;
using FastGlmm.MonteCarlo;

namespace FastGlmm.Tests.MonteCarlo;

/// <summary>
/// The Monte Carlo likelihood approximation: exact derivatives against finite differences of the (deterministic,
/// common-random-number) MCLA, and the MCLA at fixed parameters against likelihoods computed exactly by
/// quadrature (lme4's AGQ values pinned in tests/data/reference, and this engine's AGQ(25)).
/// </summary>
public class McmlLikelihoodTests
{
    internal static GlmmProblem Problem(string dataset, string formula, string family) =>
        new(ModelFrame.Build(BuiltInDatasets.Load(dataset), formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) }));

    internal static GlmmProblem Salamander() => Problem("salamander", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)", "binomial");

    [Fact]
    public void GradientAndHessian_MatchFiniteDifferences()
    {
        var prob = Salamander();
        var design = new ImportanceDesign(prob);
        double[] theta = [1.1, 1.0], beta = [1.0, 0.3, -1.9, 1.0];
        var (proposals, _) = ProposalBuilder.Build(design, theta, beta, MixtureWeights.Default);
        var sample = new ImportanceSample(design, proposals, 500, 99, 0);
        using var backend = FastGlmm.Backends.Cpu.CpuImportanceBackend.Create(sample);
        var mcla = new McmlLikelihood(design, backend);
        // A point away from the centre, so that the weights are far from uniform.
        var psi = new[] { 1.2, 0.1, -1.6, 0.8 }.Concat(PrecisionFactor.FromTheta(prob.Layout, [1.4, 0.8])).ToArray();
        var at = mcla.Evaluate(psi);
        int d = psi.Length;
        for (int j = 0; j < d; j++)
        {
            double e = 1e-5;
            var up = (double[])psi.Clone();
            var dn = (double[])psi.Clone();
            up[j] += e;
            dn[j] -= e;
            var fu = mcla.Evaluate(up);
            var fd = mcla.Evaluate(dn);
            Assert.Equal((fu.LogLik - fd.LogLik) / (2 * e), at.Gradient[j], 1e-5 * Math.Max(1, Math.Abs(at.Gradient[j])));
            for (int i = 0; i < d; i++)
                Assert.Equal((fu.Gradient[i] - fd.Gradient[i]) / (2 * e), at.Hessian[i * d + j], 1e-4 * Math.Max(1, Math.Abs(at.Hessian[i * d + j])));
        }
    }

    /// <summary>
    /// At lme4's nAGQ optimum, the MCLA estimates lme4's (quadrature-exact) log-likelihood to within 3 MCSE,
    /// and this engine's AGQ(25) at the same point agrees with both.
    /// </summary>
    [Theory]
    [InlineData("bacteria_agq15.json", "bacteria", "binomial")]
    [InlineData("epil_agq20.json", "epil", "poisson")]
    public void LogLikAtFixedParameters_MatchesQuadrature(string reference, string dataset, string family)
    {
        var r = TestData.Json("reference", reference);
        var prob = Problem(dataset, r.GetProperty("formula").GetString()!, family);
        var th = r.GetProperty("theta");
        var theta = th.ValueKind == System.Text.Json.JsonValueKind.Array ? th.EnumerateArray().Select(x => x.GetDouble()).ToArray() : [th.GetDouble()];
        var beta = prob.Frame.X.ColumnNames.Select(n => r.GetProperty("fixef").GetProperty(n).GetDouble()).ToArray();
        double lme4 = r.GetProperty("logLik").GetDouble();
        double agq25 = -new AgqDeviance(prob.Frame, 25).Evaluate(theta, beta) / 2;
        Assert.Equal(lme4, agq25, 1e-4);
        var ev = McmlFitter.EvaluateAt(prob, theta, beta, new McmlOptions { DrawsPerBlock = 10_000, Seed = 42 });
        double mcse = Math.Sqrt(ev.LogLikVariance);
        Assert.InRange(mcse, 1e-5, 0.05);
        Assert.InRange(ev.LogLik - agq25, -3 * mcse, 3 * mcse);
    }

    [Fact]
    public void SameSeed_SameSample_DifferentSeed_Different()
    {
        var prob = Salamander();
        double[] theta = [1.1, 1.0], beta = [1.0, 0.3, -1.9, 1.0];
        var a = McmlFitter.EvaluateAt(prob, theta, beta, new McmlOptions { DrawsPerBlock = 2000, Seed = 5 });
        var b = McmlFitter.EvaluateAt(prob, theta, beta, new McmlOptions { DrawsPerBlock = 2000, Seed = 5 });
        var c = McmlFitter.EvaluateAt(prob, theta, beta, new McmlOptions { DrawsPerBlock = 2000, Seed = 6 });
        Assert.Equal(a.LogLik, b.LogLik);
        Assert.Equal(a.Gradient, b.Gradient);
        Assert.NotEqual(a.LogLik, c.LogLik);
        Assert.InRange(a.LogLik - c.LogLik, -0.2, 0.2);
    }
}
