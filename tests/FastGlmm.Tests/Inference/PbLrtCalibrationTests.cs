using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Simulation;

namespace FastGlmm.Tests.Inference;

/// <summary>
/// The parametric-bootstrap LRT under a true null: its p-values over many independent data sets must be
/// (close to) uniform, the property that makes it preferable to the χ² reference in small samples.
/// </summary>
public class PbLrtCalibrationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void NullPValues_AreUniform_ByKolmogorovSmirnov()
    {
        // 200 binary data sets (120 rows, 12 clusters, σ_b = 1) in which x has no effect (β₁ = 0): test x with a
        // PB-LRT of B = 39 replicates each. Seeds are fixed, so the outcome is deterministic.
        const int sets = 200, b = 39;
        var binomial = new ModelFrameOptions { Family = new FamilySpec(FamilyId.Binomial, LinkId.Logit) };
        var p = new double[sets];
        var chi = new double[sets];
        for (int s = 0; s < sets; s++)
        {
            var data = SyntheticData.Generate(120, 12, SyntheticResponse.Binary, seed: 5000 + (ulong)s, beta0: -0.3, beta1: 0.0);
            var sf = ModelFrame.Build(data, "y ~ 1 + (1 | g)", binomial);
            var lf = ModelFrame.Build(data, "y ~ x + (1 | g)", binomial);
            var t = ModelComparison.Compare(sf, MixedModel.Fit(sf), lf, MixedModel.Fit(lf), pbReplicates: b, seed: (ulong)s + 1);
            Assert.True(t.PbFailures <= 2, $"data set {s}: {t.PbFailures} of {b} refits failed");
            p[s] = t.PbPValue!.Value;
            chi[s] = t.PValue;
        }
        // KS distance to U(0, 1). The 1% critical value for n = 200 is 1.63/√200 = 0.115; the PB p-value lives on
        // the grid k/(B + 1), which adds up to 1/(B + 1) = 0.025.
        double dPb = KsDistance(p), dChi = KsDistance(chi);
        int rejections = p.Count(v => v <= 0.05);
        output.WriteLine($"KS distance: PB {dPb:F4}, χ² {dChi:F4}; PB rejections at 5%: {rejections} of {sets}");
        Assert.True(dPb < 0.115 + 1.0 / (b + 1), $"PB-LRT KS distance {dPb:F3}");
        // The asymptotic χ²(1) reference is also close to uniform for one fixed effect with 120 rows.
        Assert.True(dChi < 0.115, $"χ² LRT KS distance {dChi:F3}");
        // A level-5% test rejects about 5% of the time: 10 of 200 expected; beyond 20 is a 0.1%-level anomaly.
        Assert.InRange(rejections, 2, 20);
    }

    /// <summary>sup_x |F_n(x) − x| for the empirical distribution F_n of <paramref name="values"/> on [0, 1].</summary>
    private static double KsDistance(double[] values)
    {
        var s = values.Order().ToArray();
        int n = s.Length;
        double d = 0;
        for (int i = 0; i < n; i++) d = Math.Max(d, Math.Max((i + 1.0) / n - s[i], s[i] - (double)i / n));
        return d;
    }
}
