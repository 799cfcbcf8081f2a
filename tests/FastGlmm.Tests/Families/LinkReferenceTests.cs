using FastGlmm.Families;
using static FastGlmm.Tests.Families.FamilyReference;

namespace FastGlmm.Tests.Families;

/// <summary>
/// The link structs against R's family functions and lme4 1.1-31's C++ glmLink classes (family_reference.json),
/// to 1e-12 relative, with each known difference between lme4, R and FastGlmm asserted explicitly.
/// </summary>
public class LinkReferenceTests
{
    private const double Tol = 1e-12;
    private const double Eps = Clamps.Epsilon;

    private static (double[] Eta, double[] RInv, double[] RMuEta, double[] Lme4Inv, double[] Lme4MuEta) Grid(string link)
    {
        var e = Json.GetProperty("links").GetProperty(link);
        return (e.Numbers("eta"), e.Numbers("r_linkinv"), e.Numbers("r_mu_eta"), e.Numbers("lme4_linkinv"), e.Numbers("lme4_mu_eta"));
    }

    private static void CheckAgainstLme4<TLink>(string link, Func<double, double>? expectedInv = null, Func<double, double>? expectedMuEta = null)
        where TLink : struct, ILink
    {
        var g = Grid(link);
        for (int i = 0; i < g.Eta.Length; i++)
        {
            double inv = expectedInv?.Invoke(g.Lme4Inv[i]) ?? g.Lme4Inv[i];
            double me = expectedMuEta?.Invoke(g.Lme4MuEta[i]) ?? g.Lme4MuEta[i];
            Close(inv, TLink.LinkInverse(g.Eta[i]), Tol, $"{link} linkinv(η={g.Eta[i]:R}) vs lme4");
            Close(me, TLink.MuEta(g.Eta[i]), Tol, $"{link} mu.eta(η={g.Eta[i]:R}) vs lme4");
        }
    }

    [Fact]
    public void Identity_MatchesLme4AndR()
    {
        CheckAgainstLme4<IdentityLink>("identity");
        var g = Grid("identity");
        for (int i = 0; i < g.Eta.Length; i++) Close(g.RInv[i], IdentityLink.LinkInverse(g.Eta[i]), 0, "identity vs R");
    }

    [Fact]
    public void Logit_MatchesLme4Everywhere() => CheckAgainstLme4<LogitLink>("logit");

    [Fact]
    public void Cloglog_MatchesLme4Everywhere() => CheckAgainstLme4<CloglogLink>("cloglog");

    [Fact]
    public void Inverse_MatchesLme4Everywhere() => CheckAgainstLme4<InverseLink>("inverse");

    /// <summary>lme4 (and R) return +∞ for η &gt; 709.78; FastGlmm caps μ and dμ/dη at DBL_MAX.</summary>
    [Fact]
    public void Log_MatchesLme4_ExceptOverflowCappedAtDoubleMax()
    {
        CheckAgainstLme4<LogLink>("log", v => Math.Min(v, double.MaxValue), v => Math.Min(v, double.MaxValue));
        Assert.Equal(double.PositiveInfinity, Grid("log").Lme4Inv[^1]);
        Assert.Equal(double.MaxValue, LogLink.LinkInverse(1e4));
        Assert.Equal(Eps, LogLink.LinkInverse(-40));
        Assert.Equal(Eps, LogLink.MuEta(-1e4));
    }

    /// <summary>
    /// lme4's probit clamps only μ ≤ 1 − ε and leaves dμ/dη unfloored, so its μ drops below ε for η &lt; −8.13
    /// (to 0 below −37.5) and dμ/dη below ε for |η| &gt; 8.3; FastGlmm floors both at ε. Elsewhere they agree.
    /// </summary>
    [Fact]
    public void Probit_MatchesLme4_ExceptSymmetricEpsilonFloors()
    {
        CheckAgainstLme4<ProbitLink>("probit", v => Math.Max(v, Eps), v => Math.Max(v, Eps));
        var g = Grid("probit");
        int at40 = Array.IndexOf(g.Eta, -40.0), at30 = Array.IndexOf(g.Eta, -30.0), at8 = Array.IndexOf(g.Eta, 8.5);
        Assert.Equal(0.0, g.Lme4Inv[at40]);
        Assert.True(g.Lme4Inv[at30] is > 0 and < 1e-190);
        Assert.True(g.Lme4MuEta[at8] < Eps);
        Assert.Equal(Eps, ProbitLink.LinkInverse(-40));
        Assert.Equal(Eps, ProbitLink.LinkInverse(-30));
        Assert.Equal(Eps, ProbitLink.MuEta(8.5));
    }

    /// <summary>Probit agrees with R's binomial("probit") to 1e-12 everywhere (R clamps η to ±8.1259).</summary>
    [Fact]
    public void Probit_MatchesR()
    {
        var g = Grid("probit");
        for (int i = 0; i < g.Eta.Length; i++)
        {
            Close(g.RInv[i], ProbitLink.LinkInverse(g.Eta[i]), Tol, $"probit linkinv({g.Eta[i]:R}) vs R");
            Close(g.RMuEta[i], ProbitLink.MuEta(g.Eta[i]), Tol, $"probit mu.eta({g.Eta[i]:R}) vs R");
        }
    }

    [Fact]
    public void Cloglog_MatchesR()
    {
        var g = Grid("cloglog");
        for (int i = 0; i < g.Eta.Length; i++)
        {
            Close(g.RInv[i], CloglogLink.LinkInverse(g.Eta[i]), Tol, $"cloglog linkinv({g.Eta[i]:R}) vs R");
            Close(g.RMuEta[i], CloglogLink.MuEta(g.Eta[i]), Tol, $"cloglog mu.eta({g.Eta[i]:R}) vs R");
        }
    }

    /// <summary>
    /// R's binomial()$linkinv clamps η at ±30 (μ = ε/(1+ε) below −30, dμ/dη = ε beyond ±30); lme4 and FastGlmm
    /// evaluate plogis/dlogis and clamp at ε. They agree for |η| ≤ 30 and differ for 30 &lt; |η| &lt; 36.04.
    /// </summary>
    [Fact]
    public void Logit_MatchesR_WithinThirty_AndDiffersAsDocumentedBeyond()
    {
        var g = Grid("logit");
        for (int i = 0; i < g.Eta.Length; i++)
        {
            if (Math.Abs(g.Eta[i]) > 30) continue;
            Close(g.RInv[i], LogitLink.LinkInverse(g.Eta[i]), Tol, $"logit linkinv({g.Eta[i]:R}) vs R");
            Close(g.RMuEta[i], LogitLink.MuEta(g.Eta[i]), Tol, $"logit mu.eta({g.Eta[i]:R}) vs R");
        }
        int k = Array.IndexOf(g.Eta, -35.0);
        Close(Eps / (1 + Eps), g.RInv[k], 1e-15, "R clamps logit at -30");
        Close(6.3051167601469853e-16, LogitLink.LinkInverse(-35), Tol, "lme4 plogis(-35)");
        Assert.Equal(Eps, g.RMuEta[k]);
        Close(6.3051167601469803e-16, LogitLink.MuEta(-35), Tol, "lme4 dlogis(-35)");
        Assert.Equal(Eps, LogitLink.LinkInverse(-40));
        Assert.Equal(1 - Eps, LogitLink.LinkInverse(40));
    }

    [Fact]
    public void Log_And_Inverse_MatchR()
    {
        foreach (var (link, inv, me) in new (string, Func<double, double>, Func<double, double>)[]
                 { ("log", LogLink.LinkInverse, LogLink.MuEta), ("inverse", InverseLink.LinkInverse, InverseLink.MuEta) })
        {
            var g = Grid(link);
            for (int i = 0; i < g.Eta.Length; i++)
            {
                if (double.IsInfinity(g.RInv[i])) continue; // the log link's +∞ is capped (see above)
                Close(g.RInv[i], inv(g.Eta[i]), Tol, $"{link} linkinv({g.Eta[i]:R}) vs R");
                Close(g.RMuEta[i], me(g.Eta[i]), Tol, $"{link} mu.eta({g.Eta[i]:R}) vs R");
            }
        }
    }

    /// <summary>The link g(μ) against a stable R evaluation (log1p for cloglog) over μ grids including 1e-300 and 1 − ε.</summary>
    [Theory]
    [InlineData("identity")]
    [InlineData("log")]
    [InlineData("logit")]
    [InlineData("probit")]
    [InlineData("cloglog")]
    [InlineData("inverse")]
    [InlineData("sqrt")]
    [InlineData("cauchit")]
    public void LinkFunction_MatchesStableReference(string link)
    {
        var e = Json.GetProperty("links").GetProperty(link);
        double[] mu = e.Numbers("mu"), stable = e.Numbers("stable_linkfun");
        var f = Family.For(new FamilySpec(FamilyId.Gaussian, Enum.Parse<LinkId>(link, ignoreCase: true)));
        for (int i = 0; i < mu.Length; i++) Close(stable[i], f.Link(mu[i]), Tol, $"{link} linkfun({mu[i]:R})");
    }

    /// <summary>R's cloglog linkfun log(−log(1 − μ)) loses relative accuracy for small μ; FastGlmm uses log1p.</summary>
    [Fact]
    public void CloglogLinkFunction_IsStableWhereRsIsNot()
    {
        var e = Json.GetProperty("links").GetProperty("cloglog");
        double[] mu = e.Numbers("mu"), r = e.Numbers("r_linkfun"), stable = e.Numbers("stable_linkfun");
        int i = Array.IndexOf(mu, 1e-8);
        Assert.True(Math.Abs(r[i] - stable[i]) > 1e-11 * Math.Abs(stable[i]));
        Close(stable[i], CloglogLink.Link(1e-8), Tol, "cloglog(1e-8)");
        int j = Array.IndexOf(mu, 1e-300);
        Assert.Equal(double.NegativeInfinity, r[j]);
        Close(-690.77552789821368, CloglogLink.Link(1e-300), Tol, "cloglog(1e-300)");
    }

    [Fact]
    public void LinkIds_AreTheStableCodes()
    {
        Assert.Equal(LinkId.Identity, IdentityLink.Id);
        Assert.Equal(LinkId.Log, LogLink.Id);
        Assert.Equal(LinkId.Logit, LogitLink.Id);
        Assert.Equal(LinkId.Probit, ProbitLink.Id);
        Assert.Equal(LinkId.Cloglog, CloglogLink.Id);
        Assert.Equal(LinkId.Inverse, InverseLink.Id);
        Assert.Equal(LinkId.Sqrt, SqrtLink.Id);
        Assert.Equal(LinkId.Cauchit, CauchitLink.Id);
        Assert.Equal(7, (int)LinkId.Sqrt);
        Assert.Equal(8, (int)LinkId.Cauchit);
    }

    /// <summary>R's make.link("sqrt"), which lme4's PIRLS calls: μ = η², dμ/dη = 2η, no clamps.</summary>
    [Fact]
    public void Sqrt_MatchesLme4Everywhere() => CheckAgainstLme4<SqrtLink>("sqrt");

    /// <summary>lme4's C++ cauchitLink (pcauchy, dcauchy; unclamped), tails included (η = ±10⁴ gives μ = 3.2e-5, 1 − 3.2e-5).</summary>
    [Fact]
    public void Cauchit_MatchesLme4Everywhere() => CheckAgainstLme4<CauchitLink>("cauchit");
}
