using FastGlmm.Data.Frame;
using FastGlmm.Model;

namespace FastGlmm.Tests.Model;

/// <summary>
/// The map ψ ↦ θ of structured covariances: T_tT_t' equals the structure's closed form (cs: D R D with R = (1 − ρ)I + ρ11';
/// ar1: s²ρ^|i−j|), θ ↦ ψ inverts it, glmmTMB's parameter counts, and the identity for unstructured terms.
/// </summary>
public class CovarianceParametersTests
{
    private static CovarianceParameters For(string formula) =>
        new(ModelFrame.Build(TestData.Dataset("structured_sim.csv", "extra"), formula).RandomTerms);

    [Theory]
    [InlineData("y ~ x + (0 + time | id)", 10)]
    [InlineData("y ~ x + diag(0 + time | id)", 4)]
    [InlineData("y ~ x + cs(0 + time | id)", 5)]
    [InlineData("y ~ x + ar1(0 + time | id)", 2)]
    [InlineData("y ~ x + ar1(0 + time | id) + diag(1 + x | id)", 4)]
    public void Count_IsGlmmTmbs(string formula, int count) => Assert.Equal(count, For(formula).Count);

    [Fact]
    public void CompoundSymmetry_GivesDRD_AndInverts()
    {
        var cov = For("y ~ x + cs(0 + time | id)");
        var psi = new[] { 0.7, 1.3, 0.4, 2.0, 0.9 };
        double rho = CovarianceParameters.CsCorrelation(psi[4], 4);
        Assert.InRange(rho, -1.0 / 3, 1);
        var theta = cov.ToTheta(psi);
        var s = cov.Layout.Covariance(theta, 0);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(psi[i] * psi[j] * (i == j ? 1 : rho), s[j * 4 + i], 1e-14);
        var back = cov.FromTheta(theta);
        for (int k = 0; k < psi.Length; k++) Assert.Equal(psi[k], back[k], 1e-12);
    }

    [Fact]
    public void Ar1_GivesPowersOfRho_AndInverts()
    {
        var cov = For("y ~ x + ar1(0 + time | id)");
        var psi = new[] { 1.7, -0.8 };
        double rho = CovarianceParameters.Ar1Correlation(psi[1]);
        var theta = cov.ToTheta(psi);
        var s = cov.Layout.Covariance(theta, 0);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(psi[0] * psi[0] * Math.Pow(rho, Math.Abs(i - j)), s[j * 4 + i], 1e-13);
        var back = cov.FromTheta(theta);
        Assert.Equal(psi[0], back[0], 1e-12);
        Assert.Equal(psi[1], back[1], 1e-11);
    }

    [Fact]
    public void Diagonal_HasNoCovariance_AndUnstructuredIsTheIdentity()
    {
        var diag = For("y ~ x + diag(1 + x | id)");
        var theta = diag.ToTheta([0.5, 2.5]);
        Assert.Equal([0.5, 0, 2.5], theta);
        var us = For("y ~ x + (1 + x | id)");
        Assert.True(us.IsIdentity);
        Assert.Equal([0.5, -0.2, 2.5], us.ToTheta([0.5, -0.2, 2.5]));
        Assert.Equal(us.Layout.Initial, us.Initial);
    }

    [Fact]
    public void CompoundSymmetryAtTheEdge_StaysSemiDefinite()
    {
        // ρ → 1 (a → ∞): Σ = ss' of rank 1, the factor still exists and reproduces it.
        var cov = For("y ~ x + cs(0 + time | id)");
        var theta = cov.ToTheta([1, 2, 3, 4, 60]);
        var s = cov.Layout.Covariance(theta, 0);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) Assert.Equal((i + 1) * (j + 1), s[j * 4 + i], 1e-9);
    }
}
