using FastGlmm.Families;

namespace FastGlmm.Tests.Families;

/// <summary>The <see cref="Family"/> facade and <see cref="FamilyDispatch"/> agree with the struct operators.</summary>
public class FamilyFacadeTests
{
    private static readonly double[] Etas = [-50, -8.5, -3, -0.4, 0, 1e-9, 0.7, 2, 9, 40];

    public static TheoryData<FamilyId, LinkId> AllowedPairs()
    {
        var data = new TheoryData<FamilyId, LinkId>();
        // The negative binomials have no struct operators (k and φ are parameters of the fit; see NegativeBinomialTests).
        foreach (var f in Enum.GetValues<FamilyId>().Where(f => !new FamilySpec(f, LinkId.Log).IsGlmmTmbFamily))
            foreach (var l in FamilySpec.AllowedLinks(f)) data.Add(f, l);
        return data;
    }

    /// <summary>Evaluates a family's functions on a grid through the struct operators, for comparison with the facade.</summary>
    private readonly struct GridOp(double y, double wt, double dispersion) : IFamilyOperation<double[]>
    {
        public double[] Invoke<TLink, TDist>() where TLink : struct, ILink where TDist : struct, IDistribution
        {
            var r = new List<double>();
            foreach (double eta in Etas)
            {
                double mu = TLink.LinkInverse(eta);
                r.AddRange([mu, TLink.MuEta(eta), TLink.Link(mu), TDist.Variance(mu), TDist.DevianceResidual(y, mu, wt),
                    TDist.LogDensity(y, mu, wt, dispersion), TDist.InitialMu(y, wt)]);
            }
            r.Add(TLink.Id == TDist.CanonicalLink ? 1 : 0);
            r.Add(TDist.HasScale ? 1 : 0);
            return [.. r];
        }
    }

    [Theory]
    [MemberData(nameof(AllowedPairs))]
    public void Facade_EqualsStructOperators(FamilyId family, LinkId link)
    {
        var spec = new FamilySpec(family, link);
        var f = Family.For(spec);
        double y = family == FamilyId.Binomial ? 0.3 : 2.0, wt = family == FamilyId.Binomial ? 10 : 1.5, disp = 0.7;
        double[] viaDispatch = FamilyDispatch.Run(spec, new GridOp(y, wt, disp));
        var viaFacade = new List<double>();
        foreach (double eta in Etas)
        {
            double mu = f.LinkInverse(eta);
            viaFacade.AddRange([mu, f.MuEta(eta), f.Link(mu), f.Variance(mu), f.DevianceResidual(y, mu, wt),
                f.LogDensity(y, mu, wt, disp), f.InitialMu(y, wt)]);
        }
        viaFacade.Add(f.IsCanonical ? 1 : 0);
        viaFacade.Add(f.HasScale ? 1 : 0);
        Assert.Equal(viaDispatch, viaFacade);
    }

    [Fact]
    public void Facade_NamesAndProperties()
    {
        var f = Family.For(FamilySpec.Parse("binomial(probit)"));
        Assert.Equal(("binomial", "probit", false, false), (f.Name, f.LinkName, f.IsCanonical, f.HasScale));
        Assert.Equal((FamilyId.Binomial, LinkId.Probit), (f.FamilyId, f.LinkId));
        Assert.Equal("binomial(probit)", f.ToString());
        var g = Family.For(FamilySpec.Parse("Gamma"));
        Assert.Equal(("Gamma", "inverse", true, true), (g.Name, g.LinkName, g.IsCanonical, g.HasScale));
        Assert.True(Family.For(FamilySpec.Parse("poisson")).IsCanonical);
        Assert.False(Family.For(FamilySpec.Parse("poisson")).HasScale);
        Assert.True(Family.For(FamilySpec.Gaussian).HasScale);
        Assert.False(Family.For(FamilySpec.Parse("Gamma(log)")).IsCanonical);
        Assert.Throws<ArgumentOutOfRangeException>(() => Family.For(new FamilySpec((FamilyId)99, LinkId.Log)));
    }

    [Fact]
    public void Facade_LogDensityWithoutDispersionUsesOne()
    {
        var g = Family.For(FamilySpec.Gaussian);
        Assert.Equal(g.LogDensity(1.3, 0.2, 2.0, 1.0), g.LogDensity(1.3, 0.2, 2.0));
        Assert.Equal(GaussianDistribution.LogDensity(1.3, 0.2, 2.0, 1.0), GaussianDistribution.LogDensity(1.3, 0.2, 2.0));
        Assert.Equal(GammaDistribution.LogDensity(1.3, 0.2, 2.0, 1.0), GammaDistribution.LogDensity(1.3, 0.2, 2.0));
    }

    /// <summary>A ref-struct operation over spans: the pattern engine hot loops use.</summary>
    private ref struct DevianceOp(ReadOnlySpan<double> y, ReadOnlySpan<double> eta, ReadOnlySpan<double> wt) : IFamilyOperation<double>
    {
        private readonly ReadOnlySpan<double> _y = y, _eta = eta, _wt = wt;

        public readonly double Invoke<TLink, TDist>() where TLink : struct, ILink where TDist : struct, IDistribution
        {
            double sum = 0;
            for (int i = 0; i < _y.Length; i++) sum += TDist.DevianceResidual(_y[i], TLink.LinkInverse(_eta[i]), _wt[i]);
            return sum;
        }
    }

    [Fact]
    public void Dispatch_ByRef_WorksWithRefStructOverSpans()
    {
        double[] y = [0, 1, 0.5, 0.25], eta = [-1, 2, 0, 0.3], wt = [1, 1, 2, 4];
        var spec = FamilySpec.Parse("binomial(cloglog)");
        var op = new DevianceOp(y, eta, wt);
        double viaDispatch = FamilyDispatch.Run<DevianceOp, double>(spec, ref op);
        var f = Family.For(spec);
        double expected = 0;
        for (int i = 0; i < y.Length; i++) expected += f.DevianceResidual(y[i], f.LinkInverse(eta[i]), wt[i]);
        Assert.Equal(expected, viaDispatch);
    }

    private readonly struct TypeNamesOp : IFamilyOperation<string>
    {
        public string Invoke<TLink, TDist>() where TLink : struct, ILink where TDist : struct, IDistribution =>
            $"{typeof(TLink).Name}/{typeof(TDist).Name}";
    }

    [Fact]
    public void Dispatch_SelectsTheNamedStructs_ForEveryCodePair()
    {
        foreach (var f in Enum.GetValues<FamilyId>().Where(f => !new FamilySpec(f, LinkId.Log).IsGlmmTmbFamily))
            foreach (var l in Enum.GetValues<LinkId>())
                Assert.Equal($"{l}Link/{f}Distribution", FamilyDispatch.Run(new FamilySpec(f, l), new TypeNamesOp()));
        // The negative binomial is not dispatched: its fit never reaches the struct operators.
        Assert.Throws<ArgumentOutOfRangeException>(() => FamilyDispatch.Run(new FamilySpec(FamilyId.NegativeBinomial2, LinkId.Log), new TypeNamesOp()));
        Assert.Throws<ArgumentOutOfRangeException>(() => FamilyDispatch.Run(new FamilySpec(FamilyId.Poisson, (LinkId)0), new TypeNamesOp()));
    }
}
