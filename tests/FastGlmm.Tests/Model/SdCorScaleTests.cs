using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Tests.Model;

/// <summary>
/// lme4's profile scale (SDs, correlations, σ) against θ, the hyperspherical angles of a correlation matrix, and the
/// search coordinates of a variance profile: round trips, bounds and boundary cases.
/// </summary>
public class SdCorScaleTests
{
    private static ThetaLayout Layout(string formula) =>
        new(ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), formula).RandomTerms);

    [Fact]
    public void Sleepstudy_MatchesLme4ProfileScaleAndNames()
    {
        // lme4 1.1-31, refitML(lmer(Reaction ~ Days + (Days | Subject), sleepstudy)): theta and
        // Cv_to_Sv(theta, s = sigma) = 23.7797595895, 0.0813210934, 5.7167985139, 25.5919070365
        // (tests/data/lmm_profile_reference.json, sleepstudy_slope_ml).
        var m = TestData.Json("lmm_profile_reference.json").GetProperty("models").EnumerateArray()
            .First(x => x.GetProperty("id").GetString() == "sleepstudy_slope_ml").GetProperty("ml_refit");
        var theta = m.GetProperty("theta").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var est = m.GetProperty("estimates");
        var l = Layout("Reaction ~ Days + (Days | Subject)");
        var v = SdCorScale.FromTheta(l, theta, est.GetProperty(".sigma").GetDouble());
        Assert.Equal([".sig01", ".sig02", ".sig03", ".sigma"], SdCorScale.Names(l));
        for (int i = 0; i < 4; i++) Assert.Equal(est.GetProperty(SdCorScale.Names(l)[i]).GetDouble(), v[i], 1e-9 * Math.Max(1, Math.Abs(v[i])));
        var back = new double[3];
        Assert.True(SdCorScale.TryToTheta(l, v, back));
        for (int i = 0; i < 3; i++) Assert.Equal(theta[i], back[i], 1e-12);
        Assert.Equal([0, -1, 0, 0], SdCorScale.Lower(l));
        Assert.Equal([double.PositiveInfinity, 1, double.PositiveInfinity, double.PositiveInfinity], SdCorScale.Upper(l));
    }

    [Fact]
    public void ThreeColumnTerm_RoundTrips_AndRejectsAnInconsistentCorrelationMatrix()
    {
        var l = Layout("Reaction ~ Days + (Days + I(Days^2) | Subject) + (1 | Subject)");
        var rng = new Random(20261121);
        for (int rep = 0; rep < 20; rep++)
        {
            var theta = new double[l.Count];
            for (int i = 0; i < theta.Length; i++) theta[i] = l.IsDiagonal(i) ? 0.1 + rng.NextDouble() : rng.NextDouble() - 0.5;
            double sigma = 0.5 + rng.NextDouble();
            var v = SdCorScale.FromTheta(l, theta, sigma);
            var back = new double[l.Count];
            Assert.True(SdCorScale.TryToTheta(l, v, back));
            for (int i = 0; i < theta.Length; i++) Assert.Equal(theta[i], back[i], 1e-12);
        }
        // .sig02 = cor(Days, 1), .sig03 = cor(Days², 1), .sig05 = cor(Days², Days): 0.9, 0.9, −0.9 is no correlation matrix.
        double[] bad = [1, 0.9, 0.9, 1, -0.9, 1, 1, 2];
        Assert.False(SdCorScale.TryToTheta(l, bad, new double[l.Count]));
        Assert.False(SdCorScale.TryToTheta(l, [1, 0.1, 0.1, 1, 0.1, 1, 1, 0], new double[l.Count]));   // σ = 0
        Assert.False(SdCorScale.TryToTheta(l, [-1, 0.1, 0.1, 1, 0.1, 1, 1, 2], new double[l.Count]));  // SD < 0
    }

    [Fact]
    public void SingularCovariances_GiveZeroColumns()
    {
        var l = Layout("Reaction ~ Days + (Days | Subject)");
        var theta = new double[3];
        // SD(1) = 0: the first column of T is 0 and T22 = SD(Days)/σ.
        Assert.True(SdCorScale.TryToTheta(l, [0, 0.5, 3, 2], theta));
        Assert.Equal([0, 0, 1.5], theta);
        // Correlation 1: T is rank one, T22 = 0.
        Assert.True(SdCorScale.TryToTheta(l, [4, 1, 3, 2], theta));
        Assert.Equal(2, theta[0], 1e-15);
        Assert.Equal(1.5, theta[1], 1e-15);
        Assert.Equal(0, theta[2], 1e-7);
    }

    [Fact]
    public void CorrelationAngles_RoundTrip_AndEveryPointIsACorrelationMatrix()
    {
        var rng = new Random(7);
        for (int q = 2; q <= 5; q++)
            for (int rep = 0; rep < 10; rep++)
            {
                var a = Enumerable.Range(0, CorrelationAngles.Count(q)).Select(_ => Math.PI * rng.NextDouble()).ToArray();
                var r = new double[q * q];
                CorrelationAngles.ToCorrelation(a, q, r);
                var l = (double[])r.Clone();
                Assert.True(SdCorScale.SemiDefiniteFactor(l, q));
                for (int i = 0; i < q; i++) Assert.Equal(1, r[i * q + i]);
                for (int i = 1; i < q; i++) Assert.Equal(Math.Cos(a[CorrelationAngles.Index(i, 0)]), r[i], 1e-14);
                var back = new double[a.Length];
                Assert.True(CorrelationAngles.FromCorrelation(r, q, back));
                for (int k = 0; k < a.Length; k++) Assert.Equal(a[k], back[k], 1e-9);
            }
    }

    [Fact]
    public void VarianceCoordinates_HoldTheProfiledCorrelationAsOneAngle()
    {
        var l = Layout("Reaction ~ Days + (Days + I(Days^2) | Subject)");
        double[] x = [20, -0.4, 0.45, 14, -0.9, 1.4, 22];
        for (int j = -1; j < x.Length; j++)
        {
            var map = new VarianceCoordinates(l, j);
            Assert.Equal([false, true, true, false, true, false, false], Enumerable.Range(0, 7).Select(map.IsAngle));
            var u = map.ToInner(x);
            if (j >= 0 && map.IsAngle(j)) Assert.Equal(Math.Acos(x[j]), u[j], 1e-12);
            var back = map.ToOuter(u);
            for (int i = 0; i < x.Length; i++) Assert.Equal(x[i], back[i], 1e-12);
            // Any angle gives a valid covariance, with the profiled correlation at the cosine of its angle.
            if (j >= 0 && map.IsAngle(j))
            {
                u[j] = Math.Acos(-0.99);
                var y = map.ToOuter(u);
                Assert.Equal(-0.99, y[j], 1e-12);
                Assert.True(SdCorScale.TryToTheta(l, y, new double[6]));
            }
        }
        // Two-column terms keep their correlation as it is.
        Assert.False(new VarianceCoordinates(Layout("Reaction ~ Days + (Days | Subject)"), 1).IsAngle(1));
    }
}
