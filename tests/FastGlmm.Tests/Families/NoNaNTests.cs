using FastGlmm.Families;

namespace FastGlmm.Tests.Families;

/// <summary>
/// House rule 8: the fast paths never produce NaN on extreme inputs. η runs over a grid from −1e4 to 1e4
/// (steps of 0.25 plus the thresholds where exp, Φ and the clamps switch).
/// </summary>
public class NoNaNTests
{
    private static double[] EtaGrid()
    {
        var g = new List<double>();
        for (int i = -40000; i <= 40000; i++) g.Add(i * 0.25);
        foreach (double t in new[] { 1e-300, 5e-324, 1e-8, 8.125890664701906, 8.2924, 30.000001, 36.04365338911715, 37.5193,
                     38.6, 354.9, 709.782712893384, 709.79, 745.1332191019412, 745.2 })
        {
            g.Add(t);
            g.Add(-t);
        }
        g.Add(-0.0);
        return [.. g];
    }

    private static readonly double[] Grid = EtaGrid();

    private static void LinkNeverNaN<TLink>() where TLink : struct, ILink
    {
        foreach (double eta in Grid)
        {
            double mu = TLink.LinkInverse(eta), me = TLink.MuEta(eta);
            Assert.False(double.IsNaN(mu), $"{TLink.Id} linkinv({eta:R}) is NaN");
            Assert.False(double.IsNaN(me), $"{TLink.Id} mu.eta({eta:R}) is NaN");
            Assert.False(double.IsNaN(TLink.Link(mu)), $"{TLink.Id} link(linkinv({eta:R})) is NaN");
        }
    }

    [Fact] public void Identity_NoNaN() => LinkNeverNaN<IdentityLink>();
    [Fact] public void Log_NoNaN() => LinkNeverNaN<LogLink>();
    [Fact] public void Logit_NoNaN() => LinkNeverNaN<LogitLink>();
    [Fact] public void Probit_NoNaN() => LinkNeverNaN<ProbitLink>();
    [Fact] public void Cloglog_NoNaN() => LinkNeverNaN<CloglogLink>();
    [Fact] public void Inverse_NoNaN() => LinkNeverNaN<InverseLink>();

    /// <summary>The clamped links stay finite and inside their clamps everywhere.</summary>
    [Fact]
    public void ClampedLinks_StayInsideClamps()
    {
        foreach (double eta in Grid)
        {
            foreach (var (mu, me) in new[] { (LogitLink.LinkInverse(eta), LogitLink.MuEta(eta)),
                         (ProbitLink.LinkInverse(eta), ProbitLink.MuEta(eta)), (CloglogLink.LinkInverse(eta), CloglogLink.MuEta(eta)) })
            {
                Assert.InRange(mu, Clamps.Epsilon, Clamps.OneMinusEpsilon);
                Assert.InRange(me, Clamps.Epsilon, 0.5);
            }
            Assert.InRange(LogLink.LinkInverse(eta), Clamps.Epsilon, double.MaxValue);
            Assert.InRange(LogLink.MuEta(eta), Clamps.Epsilon, double.MaxValue);
        }
    }

    private readonly struct NoNaNOp(double[] ys, double wt) : IFamilyOperation<string?>
    {
        public string? Invoke<TLink, TDist>() where TLink : struct, ILink where TDist : struct, IDistribution
        {
            foreach (double eta in Grid)
            {
                double mu = TLink.LinkInverse(eta), me = TLink.MuEta(eta);
                // Gamma with the inverse link: η < 0 gives μ < 0 and η = ±0 gives μ = ±∞, both outside the family.
                if (TDist.Id == FamilyId.Gamma && !(mu > 0 && double.IsFinite(mu))) continue;
                double v = TDist.Variance(mu);
                double w = wt * (me / Math.Sqrt(v)) * (me / Math.Sqrt(v)); // working weight, overflow-safe form
                if (double.IsNaN(v)) return $"variance at η={eta:R}";
                // The weight is checked where V(μ) is finite: Gamma's V = μ² overflows for μ > 1.3e154 (inverse link,
                // 0 < η < 7.5e-155), and then μ'/√V = ∞/∞.
                if (double.IsFinite(v) && double.IsNaN(w)) return $"working weight at η={eta:R}";
                foreach (double y in ys)
                {
                    if (double.IsNaN(TDist.DevianceResidual(y, mu, wt))) return $"dev.resid y={y} η={eta:R}";
                    if (double.IsNaN(TDist.LogDensity(y, mu, wt))) return $"log density y={y} η={eta:R}";
                    if (double.IsNaN(TDist.LogDensity(y, mu, wt, 0.5))) return $"log density(φ) y={y} η={eta:R}";
                    if (double.IsNaN((y - mu) / me)) return $"working residual y={y} η={eta:R}";
                }
            }
            return null;
        }
    }

    [Theory]
    [InlineData(FamilyId.Binomial, LinkId.Logit)]
    [InlineData(FamilyId.Binomial, LinkId.Probit)]
    [InlineData(FamilyId.Binomial, LinkId.Cloglog)]
    [InlineData(FamilyId.Poisson, LinkId.Log)]
    [InlineData(FamilyId.Gamma, LinkId.Log)]
    [InlineData(FamilyId.Gamma, LinkId.Inverse)]
    [InlineData(FamilyId.Gaussian, LinkId.Identity)]
    public void Distributions_NoNaN_OnTheirDomain(FamilyId family, LinkId link)
    {
        double[] ys = family switch
        {
            FamilyId.Binomial => [0, 0.3, 1],
            FamilyId.Poisson => [0, 1, 7, 1000],
            FamilyId.Gamma => [1e-6, 1, 250],
            _ => [-3, 0, 12],
        };
        double wt = family == FamilyId.Binomial ? 10 : 1;
        Assert.Null(FamilyDispatch.Run(new FamilySpec(family, link), new NoNaNOp(ys, wt)));
    }
}
