using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;

namespace FastGlmm.Tests.Inference;

/// <summary>
/// lmerTest 3.1-3's <c>anova(m, type = 1, 2, 3)</c> (Satterthwaite) on lme4 1.1-31, R 4.2.2, epil (MASS), printed
/// with %.10g: Sum Sq, Mean Sq, NumDF, DenDF, F value, Pr(&gt;F) per term.
/// </summary>
public class SatterthwaiteAnovaTests
{
    private const string Interaction = "log(y + 1) ~ trt * factor(period) + lbase + (1 | subject)";

    private static IReadOnlyList<FTestRow> Anova(string formula, AnovaType type, Dictionary<string, ContrastKind>? contrasts = null)
    {
        var data = BuiltInDatasets.Load("epil");
        var frame = ModelFrame.Build(data, formula, new ModelFrameOptions { Family = FamilySpec.Gaussian, Contrasts = contrasts });
        var fit = MixedModel.Fit(frame);
        return FixedEffectTests.Compute(frame, data, fit, DdfMethod.Satterthwaite, type).Anova!;
    }

    /// <summary>Rows of (term, Sum Sq, NumDF, DenDF, F, p): F to 2e-6, Sum Sq (F·σ̂²) to 1e-5, DenDF to 2e-4 and p to 1e-4 (all move
    /// with the variance estimates, which differ from lme4's by about 1e-5: ours reach a criterion up to 2.4e-7 below lme4's,
    /// e.g. sleepstudy's REML 1743.62827195 against lme4's 1743.62827219).</summary>
    private static void Check(IReadOnlyList<FTestRow> rows, params (string Term, double SumSq, int NumDf, double DenDf, double F, double P)[] expected)
    {
        Assert.Equal(expected.Select(e => e.Term), rows.Select(r => r.Term));
        foreach (var (e, r) in expected.Zip(rows))
        {
            Assert.Equal(e.NumDf, r.NumDf);
            Assert.True(Math.Abs(e.F - r.F) <= 2e-6 * e.F, $"{e.Term}: F {r.F:R}, lmerTest {e.F:R}");
            Assert.True(Math.Abs(e.SumSq - r.SumSq) <= 1e-5 * e.SumSq, $"{e.Term}: Sum Sq {r.SumSq:R}, lmerTest {e.SumSq:R}");
            Assert.True(Math.Abs(e.DenDf - r.DenDf) <= 2e-4 * e.DenDf, $"{e.Term}: DenDF {r.DenDf:R}, lmerTest {e.DenDf:R}");
            Assert.True(Math.Abs(e.P - r.P) <= 1e-4 * e.P, $"{e.Term}: p {r.P:R}, lmerTest {e.P:R}");
            Assert.Equal(r.F * r.NumDf, r.SumSq / (r.MeanSq / r.F), 1e-9);
        }
    }

    [Fact]
    public void TypeOne_IsSequential() => Check(Anova(Interaction, AnovaType.I),
        ("trt", 0.7263532787, 1, 55.9999985, 2.442493654, 0.1237223985),
        ("factor(period)", 1.202727297, 3, 171.0000008, 1.348129015, 0.2605006882),
        ("lbase", 25.93551935, 1, 55.9999985, 87.21285259, 5.136777853e-13),
        ("trt:factor(period)", 1.439841569, 3, 171.0000008, 1.613908823, 0.1879682067));

    [Fact]
    public void TypeTwo_AdjustsForTermsNotContaining() => Check(Anova(Interaction, AnovaType.II),
        ("trt", 1.248919088, 1, 55.9999985, 4.199715259, 0.04512625309),
        ("factor(period)", 1.202727297, 3, 171.0000008, 1.348129015, 0.2605006882),
        ("lbase", 25.93551935, 1, 55.9999985, 87.21285259, 5.136777853e-13),
        ("trt:factor(period)", 1.439841569, 3, 171.0000008, 1.613908823, 0.1879682067));

    [Fact]
    public void TypeThree_TreatmentContrasts() => Check(Anova(Interaction, AnovaType.III),
        ("trt", 1.248919088, 1, 55.9999985, 4.199715259, 0.04512625309),
        ("factor(period)", 1.153420328, 3, 171.0000008, 1.292861162, 0.2785330347),
        ("lbase", 25.93551935, 1, 55.9999985, 87.21285259, 5.136777853e-13),
        ("trt:factor(period)", 1.439841569, 3, 171.0000008, 1.613908823, 0.1879682067));

    [Fact]
    public void TypeThree_DoesNotDependOnTheCoding() =>
        // lmer(..., contrasts = list(trt = "contr.sum", "factor(period)" = "contr.helmert"))
        Check(Anova(Interaction, AnovaType.III, new() { ["trt"] = ContrastKind.Sum, ["period"] = ContrastKind.Helmert }),
            ("trt", 1.248919088, 1, 55.9999985, 4.199715259, 0.04512625309),
            ("factor(period)", 1.153420328, 3, 171.0000008, 1.292861162, 0.2785330347),
            ("lbase", 25.93551935, 1, 55.99999851, 87.21285259, 5.136777847e-13),
            ("trt:factor(period)", 1.439841569, 3, 171.0000008, 1.613908823, 0.1879682067));

    [Theory]
    [InlineData(AnovaType.III, 26.70651206, 88.86485204, 4.426069267e-13)]
    [InlineData(AnovaType.II, 26.38252958, 87.78681329, 5.455213502e-13)]
    public void NumericByFactorInteraction(AnovaType type, double lbaseSumSq, double lbaseF, double lbaseP) =>
        // lmer(log(y + 1) ~ trt * lbase + factor(period) + (1 | subject), epil): R orders the terms by degree.
        Check(Anova("log(y + 1) ~ trt * lbase + factor(period) + (1 | subject)", type),
            ("trt", 1.271672542, 1, 54.99999934, 4.231439585, 0.04443645225),
            ("lbase", lbaseSumSq, 1, 54.99999932, lbaseF, lbaseP),
            ("factor(period)", 1.202727297, 3, 174.0000004, 1.334009012, 0.2649383503),
            ("trt:lbase", 0.4112877819, 1, 54.99999932, 1.368543665, 0.2471068229));

    [Fact]
    public void SingleTerm_MatchesLmerTest()
    {
        // anova(lmer(Reaction ~ Days + (Days | Subject), sleepstudy)): Days 30030.93902 1 16.99998373 45.85296156 3.26382447e-06
        var data = BuiltInDatasets.Load("sleepstudy");
        var frame = ModelFrame.Build(data, "Reaction ~ Days + (Days | Subject)");
        var rows = FixedEffectTests.Compute(frame, data, MixedModel.Fit(frame), DdfMethod.Satterthwaite, AnovaType.III).Anova!;
        Check(rows, [("Days", 30030.93902, 1, 16.99998373, 45.85296156, 3.26382447e-06)]);
    }
}
