using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Linalg;

namespace FastGlmm.Tests.Inference;

/// <summary>
/// Satterthwaite's degrees of freedom against lmerTest 3.1-3 (numDeriv 2016.8-1.1) on lme4 1.1-31, R 4.2.2:
/// <c>summary(m)$coefficients</c> and <c>anova(m)</c> printed with %.10g; the distribution tails against R's pt and pf.
/// </summary>
public class SatterthwaiteTests
{
    private static (ModelFrame, FastGlmm.Model.FitResult) Fit(string data, string formula, bool reml = true)
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load(data), formula, new ModelFrameOptions { Family = FamilySpec.Gaussian });
        return (frame, MixedModel.Fit(frame, new FitOptions { Reml = reml }));
    }

    private static IReadOnlyList<TTestRow> Coefficients(IDenominatorDf d, IReadOnlyList<string> names) =>
        [.. names.Select((nm, j) => { var l = new double[names.Count]; l[j] = 1; return d.Contrast(nm, l); })];

    private static void Rel(double expected, double actual, double tol, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tol * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");

    /// <summary>
    /// Checks the df at lme4's own (θ̂, σ̂) (printed with %.13g), where they must agree to the derivatives' accuracy, and at
    /// our fit's, which differ from lme4's optimum by about 1e-5 in θ: the df move by up to 1e-4 relative with it (ours
    /// lie nearer the balanced designs' exact values, e.g. 17 and 18 for sleepstudy's intercept).
    /// </summary>
    private static IReadOnlyList<TTestRow> Check(string data, string formula, bool reml, double[] lme4Tau, double[] df, double[] p)
    {
        var (frame, fit) = Fit(data, formula, reml);
        var atPeer = Coefficients(Satterthwaite.At(frame, reml, lme4Tau[..^1], lme4Tau[^1]), fit.BetaNames);
        var rows = Coefficients(Satterthwaite.Create(frame, fit), fit.BetaNames);
        for (int j = 0; j < df.Length; j++)
        {
            Rel(df[j], atPeer[j].Df, 2e-6, $"df[{j}] at lme4's estimates");
            Rel(p[j], atPeer[j].P, 1e-5, $"p[{j}] at lme4's estimates");
            Rel(df[j], rows[j].Df, 2e-4, $"df[{j}]");
            Rel(p[j], rows[j].P, 5e-3, $"p[{j}]"); // a tiny p moves with the df: d log p/dν ≈ −log(t²/ν)/2
            Assert.Equal(fit.BetaSe[j], rows[j].StdError, 1e-9 * fit.BetaSe[j]);
        }
        return rows;
    }

    [Theory]
    // lmer(Reaction ~ Days + (Days | Subject), sleepstudy) and with REML = FALSE.
    [InlineData("Reaction ~ Days + (Days | Subject)", true, new[] { 0.9667417739674, 0.01516905889604, 0.2309099532078, 25.59179572168 },
        new[] { 16.99972629, 16.99998373 }, new[] { 1.171558111e-17, 3.26382447e-06 })]
    [InlineData("Reaction ~ Days + (Days | Subject)", false, new[] { 0.9291906052782, 0.01816575472041, 0.2226432056126, 25.59190703649 },
        new[] { 18.00113477, 18.00017693 }, new[] { 1.263751938e-18, 1.652227905e-06 })]
    // lmer(Reaction ~ Days + (1 | Subject) + (0 + Days | Subject), sleepstudy)
    [InlineData("Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", true, new[] { 0.9798965279142, 0.234231225347, 25.56527920157 },
        new[] { 18.15619605, 18.15609129 }, new[] { 1.893380691e-18, 2.594097114e-06 })]
    // lmer(diameter ~ 1 + (1 | plate) + (1 | sample), Penicillin): t 28.41003463
    [InlineData("diameter ~ 1 + (1 | plate) + (1 | sample)", true, new[] { 1.539675554306, 3.512518859882, 0.5499226820629 },
        new[] { 5.486592425 }, new[] { 3.623519771e-07 })]
    public void MatchesLmerTestSummary(string formula, bool reml, double[] lme4Tau, double[] df, double[] p) =>
        Check(formula.StartsWith("diameter") ? "penicillin" : "sleepstudy", formula, reml, lme4Tau, df, p);

    [Fact]
    public void FactorModel_MatchesLmerTestSummaryAndJointTests()
    {
        // lmer(log(y + 1) ~ trt * factor(period) + lbase + (1 | subject), epil)
        const string formula = "log(y + 1) ~ trt * factor(period) + lbase + (1 | subject)";
        double[] df = [152.1228052, 152.0160311, 171.0000008, 171.0000008, 171.0000008, 55.9999985, 171.0000008, 171.0000008, 171.0000008];
        double[] p = [3.874474745e-32, 0.02240762249, 0.2968897551, 0.1084741284, 0.5564952865, 5.136777853e-13, 0.05908296905, 0.3508799901, 0.9685271023];
        Check("epil", formula, true, [0.8137377451041, 0.5453272860082], df, p);
        var (frame, fit) = Fit("epil", formula);
        var s = Satterthwaite.Create(frame, fit);
        // anova's interaction row (type III = the marginal test of the three interaction coefficients):
        // Sum Sq 1.439841569, Mean Sq 0.4799471897, NumDF 3, DenDF 171.0000008, F 1.613908823, p 0.1879682067.
        var l = new double[3 * 9];
        for (int r = 0; r < 3; r++) l[r * 9 + 6 + r] = 1;
        var f = s.Joint("trt:factor(period)", l, 3);
        Assert.Equal(3, f.NumDf);
        Rel(171.0000008, f.DenDf, 2e-6, "DenDF");
        Rel(1.613908823, f.F, 1e-6, "F");
        Rel(1.439841569, f.SumSq, 1e-6, "Sum Sq");
        Rel(0.1879682067, f.P, 1e-5, "p");
    }

    [Fact]
    public void LinearModel_HasResidualDf()
    {
        var (frame, fit) = Fit("sleepstudy", "Reaction ~ Days");
        var row = Coefficients(Satterthwaite.Create(frame, fit), fit.BetaNames)[1];
        Assert.Equal(178, row.Df);
        // summary(lm(Reaction ~ Days, sleepstudy)): t 8.45366314674, p 9.89409632222e-15.
        Rel(8.45366314674, row.T, 1e-9, "t");
        Rel(9.89409632222e-15, row.P, 1e-9, "p");
    }

    [Fact]
    public void Glmm_IsRefusedInOneLine()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        var fit = MixedModel.Fit(frame);
        var ex = Assert.Throws<UserInputException>(() => Satterthwaite.Create(frame, fit));
        Assert.Contains("--ddf", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [Theory]
    [InlineData(2.5, 7.3, 0.039650234665600456)]
    [InlineData(0.01, 3, 0.99264911141285195)]
    [InlineData(-40, 5, 1.8411962171772952e-07)]
    [InlineData(36.83808965, 16.99972629, 1.1715581061671059e-17)]
    public void TwoSidedT_MatchesR(double t, double df, double expected) => Rel(expected, TDistributions.TwoSidedT(t, df), 1e-12, "2*pt");

    [Theory]
    [InlineData(3.2, 3, 17.5, 0.049017479546063066)]
    [InlineData(0.05, 4, 100, 0.99523994009977845)]
    [InlineData(250, 2, 9.5, 6.0989100822808971e-09)]
    public void UpperF_MatchesR(double f, double d1, double d2, double expected) => Rel(expected, TDistributions.UpperF(f, d1, d2), 1e-12, "pf");

    [Fact]
    public void RegularizedBeta_MatchesR() => Rel(0.029814024845250447, TDistributions.RegularizedBeta(2.5, 0.7, 0.3), 1e-13, "pbeta");

    [Fact]
    public void SymmetricEigen_ReconstructsTheMatrix()
    {
        double[] a = [4, 1, -2, 0.5, 1, 3, 0, 1e-3, -2, 0, 5, 2, 0.5, 1e-3, 2, 1e-9];
        var (values, vectors) = SymmetricEigen.Decompose(a, 4);
        Assert.True(values.Zip(values.Skip(1)).All(x => x.First >= x.Second));
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                double s = 0, dot = 0;
                for (int k = 0; k < 4; k++) { s += vectors[k * 4 + i] * values[k] * vectors[k * 4 + j]; dot += vectors[i * 4 + k] * vectors[j * 4 + k]; }
                Assert.Equal(a[i * 4 + j], s, 1e-13);
                Assert.Equal(i == j ? 1 : 0, dot, 1e-13);
            }
    }
}
