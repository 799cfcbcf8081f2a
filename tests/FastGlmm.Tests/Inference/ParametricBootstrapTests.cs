using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;

namespace FastGlmm.Tests.Inference;

/// <summary>The parametric bootstrap against lme4's bootMer, and its reproducibility.</summary>
public class ParametricBootstrapTests
{
    private static (ModelFrame Frame, FastGlmm.Model.FitResult Fit) Cbpp()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        return (frame, MixedModel.Fit(frame));
    }

    private static double Sd(IEnumerable<double> v)
    {
        var a = v.ToArray();
        double m = a.Average();
        return Math.Sqrt(a.Sum(x => (x - m) * (x - m)) / (a.Length - 1));
    }

    [Fact]
    public void Cbpp_BootstrapSds_AgreeWithBootMer()
    {
        var (frame, fit) = Cbpp();
        var reps = ParametricBootstrap.Run(frame, fit, first: 0, count: 500, seed: 1);
        var ok = reps.Where(r => r.Failure is null).ToArray();
        Assert.True(ok.Length >= 495, $"{reps.Length - ok.Length} replicates failed");
        // lme4 1.1-31 bootMer, nsim = 200, seed = 1 (the figures): SDs of β and of θ.
        double[] lme4 = [0.232, 0.289, 0.334, 0.418];
        for (int j = 0; j < 4; j++) Assert.InRange(Sd(ok.Select(r => r.Beta[j])), lme4[j] * 0.85, lme4[j] * 1.15);
        Assert.InRange(Sd(ok.Select(r => r.Theta[0])), 0.208 * 0.85, 0.208 * 1.15);
    }

    [Fact]
    public void Replicates_AreIdenticalWhateverTheBatching()
    {
        var (frame, fit) = Cbpp();
        var all = ParametricBootstrap.Run(frame, fit, first: 0, count: 6, seed: 42);
        var tail = ParametricBootstrap.Run(frame, fit, first: 3, count: 3, seed: 42);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(all[3 + k].Index, tail[k].Index);
            Assert.Equal(all[3 + k].Beta, tail[k].Beta);
            Assert.Equal(all[3 + k].Theta, tail[k].Theta);
        }
    }
}
