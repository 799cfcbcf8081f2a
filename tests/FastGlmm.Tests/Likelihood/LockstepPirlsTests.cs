using FastGlmm.Backends;
using FastGlmm.Backends.Cpu;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// The lockstep PIRLS driver (what the GPU backend runs) reaches the same modes, penalized deviances and
/// log-determinants as the per-block driver, and whole fits through it match the default fits; with a failure
/// array, a failing block fails alone (what a stacked refit batch relies on).
/// </summary>
public class LockstepPirlsTests
{
    /// <summary>A CPU backend whose PIRLS runs through <see cref="Pirls.RunLockstep"/>.</summary>
    internal sealed class LockstepBackend(IGlmmBackend inner) : IGlmmBackend
    {
        public int Rounds;
        public string Name => "cpu-lockstep";
        public GlmmProblem Problem => inner.Problem;
        public void SetParameters(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta) => inner.SetParameters(theta, beta);
        public void ResetModes() => inner.ResetModes();
        public void RunPirls(Span<double> pdev, double tolerance = Pirls.DecreaseTolerance) { Rounds++; Pirls.RunLockstep((IBatchedPirlsOperations)inner, pdev, tolerance); }
        public void LogDeterminants(Span<double> logDet) => inner.LogDeterminants(logDet);
        public void Halve(ReadOnlySpan<bool> flagged) => inner.Halve(flagged);
        public void Accept(ReadOnlySpan<bool> flagged) => inner.Accept(flagged);
        public void LaplaceTerms(Span<double> logDet, Span<double> uSquared, Span<double> deviance) => inner.LaplaceTerms(logDet, uSquared, deviance);
        public void LogLikelihoodTerms(double dispersion, Span<double> minusTwoLogLik) => inner.LogLikelihoodTerms(dispersion, minusTwoLogLik);
        public void AgqTerms(ReadOnlySpan<double> nodes, ReadOnlySpan<double> logWeights, ReadOnlySpan<double> pdev, Span<double> logM) => inner.AgqTerms(nodes, logWeights, pdev, logM);
        public void SaturatedConstants(Span<double> c) => inner.SaturatedConstants(c);
        public bool AssembleJoint(bool candidate, Span<double> s, Span<double> t, Span<double> pdev) => inner.AssembleJoint(candidate, s, t, pdev);
        public void SolveJoint(ReadOnlySpan<double> beta) => inner.SolveJoint(beta);
        public void ReadModes(Span<double> u) => inner.ReadModes(u);
        public void Dispose() => inner.Dispose();
    }

    public static TheoryData<string, string, string> Models() => new()
    {
        { "cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial" },
        { "bacteria", "y2 ~ trt + I(week > 2) + (1 | ID)", "binomial" },
        { "epil", "y ~ lbase * trt + lage + V4 + (1 | subject)", "poisson" },
        { "salamander", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)", "binomial" },
        { "sleepstudy", "Reaction ~ Days + (Days | Subject)", "Gamma(link = \"log\")" },
    };

    private static ModelFrame Frame(string data, string formula, string family) =>
        ModelFrame.Build(BuiltInDatasets.Load(data), formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });

    [Theory]
    [MemberData(nameof(Models))]
    public void Lockstep_MatchesPerBlockDriver(string data, string formula, string family)
    {
        var prob = new GlmmProblem(Frame(data, formula, family));
        using var a = CpuGlmmBackend.Create(prob);
        using var b = CpuGlmmBackend.Create(prob);
        int nt = prob.Layout.Count, nb = prob.BlockCount;
        // A point away from the optimum: θ = 1.3 × lme4's start, β from a GLM fit shifted by 0.2.
        var theta = prob.Layout.Initial.ToArray().Select(t => 1.3 * t).ToArray();
        var beta = GlmIrls.Fit(prob.Frame).Select(x => x + 0.2).ToArray();
        foreach (var backend in new[] { a, b }) backend.SetParameters(theta, beta);
        double[] pa = new double[nb], pb = new double[nb], la = new double[nb], lb = new double[nb];
        a.RunPirls(pa);
        Pirls.RunLockstep((IBatchedPirlsOperations)b, pb);
        a.LogDeterminants(la);
        b.LogDeterminants(lb);
        double[] ua = new double[prob.TotalRandomEffects], ub = new double[prob.TotalRandomEffects];
        a.ReadModes(ua);
        b.ReadModes(ub);
        for (int k = 0; k < nb; k++)
        {
            Assert.Equal(pa[k], pb[k], 1e-12 * Math.Abs(pa[k]));
            Assert.Equal(la[k], lb[k], 1e-12 * Math.Max(1, Math.Abs(la[k])));
        }
        for (int j = 0; j < ua.Length; j++) Assert.Equal(ua[j], ub[j], 1e-12);
        Assert.True(pa.Sum() > 0 && nt > 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(7)]
    public void FitThroughLockstepBackend_MatchesDefaultFit(int nagq)
    {
        var frame = Frame("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial");
        var reference = MixedModel.Fit(frame, new FitOptions { Nagq = nagq });
        LockstepBackend? used = null;
        var fit = MixedModel.Fit(frame, new FitOptions { Nagq = nagq, Backend = p => used = new LockstepBackend(CpuGlmmBackend.Create(p)) });
        Assert.Equal("cpu-lockstep", fit.Backend);
        Assert.True(used!.Rounds > 10);
        Assert.Equal(reference.LogLik, fit.LogLik, 1e-9);
        for (int j = 0; j < fit.Beta.Length; j++) Assert.Equal(reference.Beta[j], fit.Beta[j], 1e-7);
        for (int j = 0; j < fit.Theta.Length; j++) Assert.Equal(reference.Theta[j], fit.Theta[j], 1e-7);
    }

    [Fact]
    public void Lockstep_WithFailures_IsolatesTheFailingBlock()
    {
        var frame = Frame("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial");
        var y = frame.Response.Y.ToArray();
        var clean = new GlmmProblem(frame);
        y[clean.RowOffsets[3]] = double.NaN;
        var broken = new GlmmProblem(frame.WithResponse(y));
        int nb = clean.BlockCount;
        var theta = clean.Layout.Initial.ToArray();
        var beta = GlmIrls.Fit(frame);
        using var a = CpuGlmmBackend.Create(clean);
        using var b = CpuGlmmBackend.Create(broken);
        a.SetParameters(theta, beta);
        b.SetParameters(theta, beta);
        double[] pa = new double[nb], pb = new double[nb];
        a.RunPirls(pa, Pirls.CoarseDecreaseTolerance);
        var machines = Enumerable.Range(0, nb).Select(k => new PirlsBlockMachine(k, Pirls.CoarseDecreaseTolerance)).ToArray();
        var failures = new PirlsException?[nb];
        Pirls.RunLockstep((IBatchedPirlsOperations)b, machines, pb, failures);
        Assert.Equal("PIRLS failed in block 4: the penalized deviance is not finite at the start", failures[3]?.Message);
        Assert.True(double.IsNaN(pb[3]));
        for (int k = 0; k < nb; k++)
            if (k != 3)
            {
                Assert.Null(failures[k]);
                Assert.Equal(pa[k], pb[k]);
            }
        Assert.Throws<PirlsException>(() => Pirls.RunLockstep((IBatchedPirlsOperations)b, new double[nb]));
        // The saturated constants of another response are those of the problem built with it.
        Assert.Equal(SaturatedConstants.Compute(broken), SaturatedConstants.Compute(clean, y));
    }
}
