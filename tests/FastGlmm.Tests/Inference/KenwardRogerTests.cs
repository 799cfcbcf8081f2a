using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;

namespace FastGlmm.Tests.Inference;

/// <summary>
/// Kenward–Roger against pbkrtest 0.5.2 through lmerTest 3.1-3 (<c>summary(m, ddf = "Kenward-Roger")</c> and
/// <c>anova(m, ddf = "Kenward-Roger")</c>) on lme4 1.1-31, R 4.2.2, printed with %.10g. The unbalanced cases drop rows
/// (0-based index i) of sleepstudy where i % 7 == 3 or i % 11 == 5 (140 rows left) and of Penicillin where i % 5 == 2 or
/// i % 13 == 0 (105 left), so that the adjusted covariance differs from lme4's.
/// </summary>
public class KenwardRogerTests
{
    private static DataTable Unbalanced(string data, string column, string into, Func<int, bool> drop)
    {
        var table = BuiltInDatasets.Load(data);
        var y = ((NumericColumn)table[column]).Values.ToArray();
        for (int i = 0; i < y.Length; i++) if (drop(i)) y[i] = double.NaN;
        return table.WithColumn(new NumericColumn(into, y));
    }

    private static void Rel(double expected, double actual, double tol, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tol * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");

    private static (ModelFrame, FastGlmm.Model.FitResult) Fit(DataTable data, string formula)
    {
        var frame = ModelFrame.Build(data, formula, new ModelFrameOptions { Family = FamilySpec.Gaussian });
        return (frame, MixedModel.Fit(frame));
    }

    /// <summary>At lme4's (θ̂, σ̂) the numbers agree to 1e-7 (the method has no numerical derivatives); at our own optimum
    /// (about 1e-5 from lme4's in θ) to 2e-4.</summary>
    private static void Check(DataTable data, string formula, double[] lme4Tau, double[] se, double[] df, double[] p)
    {
        var (frame, fit) = Fit(data, formula);
        var peer = KenwardRoger.At(frame, lme4Tau[..^1], lme4Tau[^1], fit.Beta);
        var own = KenwardRoger.Create(frame, fit);
        for (int j = 0; j < se.Length; j++)
        {
            var l = new double[se.Length];
            l[j] = 1;
            var a = peer.Contrast("b", l);
            Rel(se[j], a.StdError, 1e-7, $"se[{j}] at lme4's estimates");
            Rel(df[j], a.Df, 1e-7, $"df[{j}] at lme4's estimates");
            var b = own.Contrast("b", l);
            Rel(se[j], b.StdError, 2e-5, $"se[{j}]");
            Rel(df[j], b.Df, 2e-4, $"df[{j}]");
            Rel(p[j], b.P, 5e-3, $"p[{j}]");
        }
    }

    [Fact]
    public void UnbalancedRandomSlopes_MatchPbkrtest() => Check(
        Unbalanced("sleepstudy", "Reaction", "y2", i => i % 7 == 3 || i % 11 == 5), "y2 ~ Days + (Days | Subject)",
        [1.020872885184, -0.01383056770955, 0.2472969968864, 25.40806328792],
        [7.374917183, 1.675055021], [16.87068964, 16.93646232], [5.754335874e-17, 6.680005325e-06]);

    [Fact]
    public void UnbalancedCrossed_MatchesPbkrtest() => Check(
        Unbalanced("penicillin", "diameter", "d2", i => i % 5 == 2 || i % 13 == 0), "d2 ~ 1 + (1 | plate) + (1 | sample)",
        [1.569474372512, 3.640673129405, 0.5103540058443], [0.7776002343], [5.467926543], [3.003698501e-07]);

    [Fact]
    public void Balanced_MatchesPbkrtestSummaryAndAnova()
    {
        // lmer(log(y + 1) ~ trt * factor(period) + lbase + (1 | subject), epil): KR's df and SEs.
        var data = BuiltInDatasets.Load("epil");
        var (frame, fit) = Fit(data, "log(y + 1) ~ trt * factor(period) + lbase + (1 | subject)");
        var tests = FixedEffectTests.Compute(frame, data, fit, DdfMethod.KenwardRoger, AnovaType.III);
        double[] df = [152.1228079, 152.0160339, 171, 171, 171, 56, 171, 171, 171];
        double[] se = [0.1329191702, 0.183437381, 0.1457448477, 0.1457448477, 0.1457448477, 0.09119560427, 0.2010658757, 0.2010658757, 0.2010658757];
        for (int j = 0; j < df.Length; j++)
        {
            Rel(df[j], tests.Coefficients[j].Df, 2e-4, $"df[{j}]");
            Rel(se[j], tests.Coefficients[j].StdError, 2e-5, $"se[{j}]");
        }
        Assert.Equal("Type III Analysis of Variance Table with Kenward-Roger's method", tests.AnovaHeading);
        // anova: trt 1.248919088 1 56 4.199715259 0.04512625297; factor(period) 1.153420328 3 171 1.292861162 0.2785330348;
        // lbase 25.93551935 1 56 87.21285259 5.136776545e-13; trt:factor(period) 1.439841569 3 171 1.613908823 0.1879682067
        (double SumSq, int NumDf, double DenDf, double F, double P)[] expected =
            [(1.248919088, 1, 56, 4.199715259, 0.04512625297), (1.153420328, 3, 171, 1.292861162, 0.2785330348),
             (25.93551935, 1, 56, 87.21285259, 5.136776545e-13), (1.439841569, 3, 171, 1.613908823, 0.1879682067)];
        foreach (var (e, r) in expected.Zip(tests.Anova!))
        {
            Assert.Equal(e.NumDf, r.NumDf);
            Rel(e.DenDf, r.DenDf, 2e-4, $"{r.Term} DenDF");
            Rel(e.F, r.F, 1e-6, $"{r.Term} F");
            Rel(e.SumSq, r.SumSq, 1e-5, $"{r.Term} Sum Sq");
            Rel(e.P, r.P, 1e-4, $"{r.Term} p");
        }
    }

    [Fact]
    public void LinearModel_IsExact()
    {
        var (frame, fit) = Fit(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ Days");
        var row = KenwardRoger.Create(frame, fit).Contrast("Days", [0, 1]);
        Assert.Equal(178, row.Df, 1e-8);
        Assert.Equal(fit.BetaSe[1], row.StdError, 1e-10);
    }

    [Fact]
    public void MlFit_IsRefusedInOneLine()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ Days + (1 | Subject)");
        var fit = MixedModel.Fit(frame, new FitOptions { Reml = false });
        var ex = Assert.Throws<UserInputException>(() => KenwardRoger.Create(frame, fit));
        Assert.Contains("REML", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }
}
