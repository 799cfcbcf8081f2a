using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Tests.Fitting;

/// <summary>
/// Zero-inflated poisson, nbinom2 and nbinom1, and nbinom1, against glmmTMB 1.1.5 (R 4.2.2) on its Owls data and MASS's
/// epil: logLik, fixef (cond and zi), sqrt(diag(vcov)), sigma() and the random-effect SD printed with %.10g; tolerances
/// as a held-out battery asks (logLik ≥ peer − 1e-4, coefficients within 2e-3, dispersion within 1e-3 relative, SDs
/// within 2e-3), standard errors within 1e-3 relative (2e-3 for the zero-inflation part).
/// </summary>
public class ZeroInflationTests
{
    private const string Owls = "SiblingNegotiation ~ FoodTreatment * SexParent + offset(logBroodSize) + (1 | Nest)";

    private static FitResult Fit(string data, string formula, string family, string? zi)
    {
        var table = BuiltInDatasets.Load(data);
        var frame = ModelFrame.Build(table, formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });
        return MixedModel.Fit(frame, new FitOptions { ZeroInflation = zi is null ? null : ZeroInflationDesign.Build(frame, table, zi) });
    }

    private static void Near(double[] expected, double[] actual, double abs, double rel, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(expected[j] - actual[j]) <= abs + rel * Math.Abs(expected[j]), $"{what}[{j}]: {actual[j]:R}, glmmTMB {expected[j]:R}");
    }

    [Theory]
    [InlineData(Owls, "poisson", "~1", -2040.1148025077, new[] { 0.8701207519, -0.2685280565, -0.07925069123, 0.09638961968 },
        new[] { 0.07848983138, 0.05922113947, 0.04584472523, 0.07254950703 }, double.NaN, 0.3528746097, new[] { -1.053020481 }, new[] { 0.09378404083 })]
    [InlineData("SiblingNegotiation ~ FoodTreatment + ArrivalTime + offset(logBroodSize) + (1 | Nest)", "poisson", "~FoodTreatment", -1976.2890116340,
        new[] { 2.800773316, -0.2204258536, -0.08072055507 }, new[] { 0.2369971956, 0.03722896937, 0.009245439666 }, double.NaN, 0.3508585469,
        new[] { -1.822678476, 1.397860315 }, new[] { 0.1625825951, 0.2039053197 })]
    [InlineData(Owls, "nbinom2", "~1", -1708.8230941053, new[] { 0.850510214, -0.3944715462, -0.07611701816, 0.1318885024 },
        new[] { 0.09979627072, 0.1376289689, 0.104468257, 0.164747445 }, 2.225955104, 0.2742772426, new[] { -1.263960521 }, new[] { 0.1203068942 })]
    [InlineData(Owls, "nbinom1", null, -1694.3996036065, new[] { 0.6767399506, -0.8703787417, 0.04468919746, 0.1217297934 },
        new[] { 0.1134015798, 0.1396426081, 0.107121909, 0.175202083 }, 7.046829336, 0.3556254043, null, null)]
    [InlineData(Owls, "nbinom1", "~1", -1684.8188344411, new[] { 0.8234703376, -0.8586306286, -0.06959973635, 0.2724823766 },
        new[] { 0.1104281095, 0.1486427657, 0.1034541335, 0.1800618596 }, 5.089751093, 0.3501894231, new[] { -2.055407809 }, new[] { 0.2922147551 })]
    public void Owls_MatchGlmmTmb(string formula, string family, string? zi, double logLik, double[] beta, double[] se, double dispersion,
        double sd, double[]? gamma, double[]? gammaSe)
    {
        var fit = Fit("owls", formula, family, zi);
        Assert.True(fit.LogLik >= logLik - 1e-4 && fit.LogLik <= logLik + 1e-3, $"logLik {fit.LogLik:R}, glmmTMB {logLik:R}");
        Near(beta, fit.Beta, 2e-3, 0, "beta");
        Near(se, fit.BetaSe, 0, 1e-3, "se");
        if (double.IsNaN(dispersion)) Assert.Null(fit.Dispersion);
        else Assert.True(Math.Abs(fit.Dispersion!.Value - dispersion) <= 1e-3 * dispersion, $"dispersion {fit.Dispersion:R}");
        Assert.True(Math.Abs(fit.VarCorr[0].SdOrCorrelation - sd) <= 2e-3);
        if (gamma is null) Assert.Null(fit.ZeroInflation);
        else
        {
            Near(gamma, fit.ZeroInflation!.Coefficients, 2e-3, 0, "zi");
            Near(gammaSe!, fit.ZeroInflation.StandardErrors, 0, 2e-3, "zi se"); // finite-difference Hessian: 1.4e-3 on zinb1
        }
        Assert.True(fit.Convergence.Converged, string.Join("; ", fit.Convergence.Messages));
        Assert.Equal(beta.Length + 1 + (double.IsNaN(dispersion) ? 0 : 1) + (gamma?.Length ?? 0), fit.Df);
    }

    [Theory]
    // glmmTMB(f, Owls, family = truncated_poisson | truncated_nbinom2 | truncated_nbinom1, ziformula = …): hurdle models.
    [InlineData("truncated_poisson", "~1", -2040.5743283713, new[] { 0.8705642959, -0.2625176896, -0.0785889752, 0.09384449891 },
        double.NaN, 0.3447488441, new[] { -1.043696461 }, new[] { 0.09309952269 })]
    [InlineData("truncated_nbinom2", "~FoodTreatment", -1688.7882333821, new[] { 0.8393449016, -0.2584198073, -0.0724657372, 0.08125017558 },
        2.418520592, 0.2620512311, new[] { -1.810119205, 1.395708449 }, new[] { 0.1608066592, 0.2020398533 })]
    [InlineData("truncated_nbinom1", "~1", -1710.1666812658, new[] { 0.827108498, -0.3493324679, -0.07574291533, 0.1156962286 },
        3.658660659, 0.2471886665, new[] { -1.043714162 }, new[] { 0.09309991748 })]
    public void Hurdles_MatchGlmmTmb(string family, string zi, double logLik, double[] beta, double dispersion, double sd, double[] gamma, double[] gammaSe)
    {
        var fit = Fit("owls", Owls, family, zi);
        Assert.True(fit.LogLik >= logLik - 1e-4 && fit.LogLik <= logLik + 1e-3, $"logLik {fit.LogLik:R}, glmmTMB {logLik:R}");
        Near(beta, fit.Beta, 2e-3, 0, "beta");
        if (double.IsNaN(dispersion)) Assert.Null(fit.Dispersion);
        else Assert.True(Math.Abs(fit.Dispersion!.Value - dispersion) <= 1e-3 * dispersion, $"dispersion {fit.Dispersion:R}");
        Assert.True(Math.Abs(fit.VarCorr[0].SdOrCorrelation - sd) <= 2e-3);
        Near(gamma, fit.ZeroInflation!.Coefficients, 2e-3, 0, "zi");
        Near(gammaSe, fit.ZeroInflation.StandardErrors, 0, 2e-3, "zi se");
        // A hurdle's fitted mean keeps the zeros' share: mean fitted (1 − π)μ/(1 − p₀) is near the mean count.
        Assert.InRange(fit.Fitted.Average() / 6.72, 0.8, 1.25);
    }

    [Fact]
    public void ZeroTruncated_WithoutZeros_MatchesGlmmTmb_AndZerosAreRefused()
    {
        // glmmTMB(f, subset(Owls, SiblingNegotiation > 0), family = truncated_poisson): logLik -1697.0415763312,
        // fixef 0.8705674636, -0.2625235073, -0.078586793, 0.09384748753, SD 0.3447517451.
        var owls = BuiltInDatasets.Load("owls");
        var y = ((FastGlmm.Data.NumericColumn)owls["SiblingNegotiation"]).Values.ToArray().Select(v => v > 0 ? v : double.NaN).ToArray();
        var positive = owls.WithColumn(new FastGlmm.Data.NumericColumn("calls", y));
        var frame = ModelFrame.Build(positive, Owls.Replace("SiblingNegotiation", "calls"), new ModelFrameOptions { Family = FamilySpec.Parse("truncated_poisson") });
        var fit = MixedModel.Fit(frame);
        Assert.True(fit.LogLik >= -1697.0415763312 - 1e-4);
        Near([0.8705674636, -0.2625235073, -0.078586793, 0.09384748753], fit.Beta, 2e-3, 0, "beta");
        Assert.True(Math.Abs(fit.VarCorr[0].SdOrCorrelation - 0.3447517451) <= 2e-3);
        var withZeros = ModelFrame.Build(owls, Owls, new ModelFrameOptions { Family = FamilySpec.Parse("truncated_poisson") });
        var e = Assert.Throws<UserInputException>(() => MixedModel.Fit(withZeros));
        Assert.Contains("the response is 0 on data row 2; a zero-truncated model has no zeros", e.Message, StringComparison.Ordinal);
        // Zero-truncated draws are positive; a hurdle's bootstrap refits.
        var draws = ResponseSimulator.Simulate(new GlmmProblem(frame), fit.Theta, fit.Beta, 1, 3, 0);
        Assert.All(draws, v => Assert.True(v >= 1 && v == Math.Floor(v)));
        var hurdleFrame = ModelFrame.Build(owls, Owls, new ModelFrameOptions { Family = FamilySpec.Parse("truncated_poisson") });
        var hurdle = MixedModel.Fit(hurdleFrame, new FitOptions { ZeroInflation = ZeroInflationDesign.Build(hurdleFrame, owls, "~1") });
        Assert.All(ParametricBootstrap.Run(hurdleFrame, hurdle, 0, 2, 1), r => Assert.True(r.Failure is null && double.IsFinite(r.LogLik), r.Failure));
    }

    [Fact]
    public void Nbinom1_OnEpil_MatchesGlmmTmb()
    {
        // glmmTMB(y ~ trt + lbase + lage + V4 + (1 | subject), epil, family = nbinom1)
        var fit = Fit("epil", "y ~ trt + lbase + lage + V4 + (1 | subject)", "nbinom1", null);
        Assert.True(fit.LogLik >= -636.1090609738 - 1e-4);
        Near([1.842595921, -0.2619606942, 0.998098462, 0.3811104908, -0.1256441606], fit.Beta, 2e-3, 0, "beta");
        Assert.True(Math.Abs(fit.Dispersion!.Value - 1.184686018) <= 1e-3 * 1.184686018);
        Assert.True(Math.Abs(fit.VarCorr[0].SdOrCorrelation - 0.4531168468) <= 2e-3);
    }

    [Fact]
    public void FittedMeans_AreTheZeroInflatedMeans_AndSimulationZeroInflates()
    {
        var table = BuiltInDatasets.Load("owls");
        var frame = ModelFrame.Build(table, Owls, new ModelFrameOptions { Family = FamilySpec.Parse("poisson") });
        var fit = MixedModel.Fit(frame, new FitOptions { ZeroInflation = ZeroInflationDesign.Build(frame, table, "~1") });
        double pi = 1 / (1 + Math.Exp(-fit.ZeroInflation!.Coefficients[0]));
        // The mean of the fitted values (1 − π)μ̂ is near the mean count (a Poisson-type fit with an offset reproduces totals roughly).
        Assert.InRange(fit.Fitted.Average() / ((FastGlmm.Data.NumericColumn)table["SiblingNegotiation"]).Values.ToArray().Average(), 0.8, 1.2);
        Assert.Contains(fit.ResidualsDeviance, double.IsNaN);
        // Simulated zeros exceed the Poisson part's by about π·n.
        var prob = new GlmmProblem(frame);
        var y = ResponseSimulator.Simulate(prob, fit.Theta, fit.Beta, 1, 11, 0, zeroProbability: fit.ZeroInflation.ZeroProbabilities());
        var y0 = ResponseSimulator.Simulate(prob, fit.Theta, fit.Beta, 1, 11, 0);
        double extra = (y.Count(v => v == 0) - y0.Count(v => v == 0)) / (double)y.Length;
        Assert.InRange(extra, pi * 0.6, pi * 1.1);
        var reps = ParametricBootstrap.Run(frame, fit, 0, 2, 5);
        Assert.All(reps, r => Assert.True(r.Failure is null && double.IsFinite(r.LogLik), r.Failure));
    }

    [Theory]
    [InlineData("binomial", "~1", "zero inflation applies to count families")]
    [InlineData("poisson", "~ (1 | Nest)", "random effects in the zero-inflation model are not supported yet")]
    [InlineData("poisson", "1", "give a one-sided formula")]
    public void Misuse_IsOneLine(string family, string zi, string message)
    {
        var table = BuiltInDatasets.Load("owls");
        string formula = family == "binomial" ? "I(SiblingNegotiation > 0) ~ FoodTreatment + (1 | Nest)" : Owls;
        var frame = ModelFrame.Build(table, formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });
        var e = Assert.ThrowsAny<UserInputException>(() => ZeroInflationDesign.Build(frame, table, zi));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Theory]
    // glmmTMB: predict(m, Owls[c(1, 2, 100), ], type = "response" [, re.form = NA]) and type = "link".
    [InlineData("poisson", "~FoodTreatment", PredictionLevel.Conditional, PredictionScale.Response, new[] { 6.093518071, 3.610729771, 11.04367023 })]
    [InlineData("poisson", "~FoodTreatment", PredictionLevel.Population, PredictionScale.Response, new[] { 9.492460432, 5.624781791, 7.593968346 })]
    [InlineData("poisson", "~FoodTreatment", PredictionLevel.Conditional, PredictionScale.Link, new[] { 1.958145819, 1.788138895, 2.552777658 })]
    [InlineData("truncated_nbinom2", "~1", PredictionLevel.Conditional, PredictionScale.Response, new[] { 5.908459479, 5.009546076, 8.675440241 })]
    [InlineData("truncated_nbinom2", "~1", PredictionLevel.Population, PredictionScale.Response, new[] { 8.095529665, 6.82819575, 6.535722169 })]
    public void Predictions_OnNewData_MatchGlmmTmb(string family, string zi, PredictionLevel level, PredictionScale scale, double[] expected)
    {
        var table = BuiltInDatasets.Load("owls");
        var frame = ModelFrame.Build(table, Owls, new ModelFrameOptions { Family = FamilySpec.Parse(family) });
        var fit = MixedModel.Fit(frame, new FitOptions { ZeroInflation = ZeroInflationDesign.Build(frame, table, zi) });
        // Owls rows 1, 2 and 100, as a user's CSV would give them (factors by their labels).
        const string csv = "Nest,FoodTreatment,SexParent,ArrivalTime,SiblingNegotiation,BroodSize,NegPerChick,logBroodSize\n"
            + "AutavauxTV,Deprived,Male,22.25,4,5,0.8,1.6094379124341\nAutavauxTV,Satiated,Male,22.38,0,5,0,1.6094379124341\n"
            + "ChEsard,Deprived,Male,27.06,2,4,0.5,1.38629436111989\n";
        var newData = FastGlmm.Data.Csv.CsvReader.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), "new");
        var pred = Prediction.Predict(frame, fit, newData, level, scale);
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], pred.Values[i], 2e-5 * Math.Abs(expected[i]));
    }

    [Fact]
    public void PbLrt_RefitsZeroInflatedModels()
    {
        var table = BuiltInDatasets.Load("owls");
        var small = ModelFrame.Build(table, Owls.Replace("FoodTreatment * SexParent", "FoodTreatment + SexParent"), new ModelFrameOptions { Family = FamilySpec.Parse("poisson") });
        var large = ModelFrame.Build(table, Owls, new ModelFrameOptions { Family = FamilySpec.Parse("poisson") });
        var fs = MixedModel.Fit(small, new FitOptions { ZeroInflation = ZeroInflationDesign.Build(small, table, "~1") });
        var fl = MixedModel.Fit(large, new FitOptions { ZeroInflation = ZeroInflationDesign.Build(large, table, "~1") });
        var test = ModelComparison.Compare(small, fs, large, fl, pbReplicates: 6, seed: 2);
        Assert.Equal((6, 0), (test.PbReplicates, test.PbFailures));
        Assert.Equal(2 * (fl.LogLik - fs.LogLik), test.Statistic, 1e-9);
        Assert.Equal(1, test.Df);
    }
}
