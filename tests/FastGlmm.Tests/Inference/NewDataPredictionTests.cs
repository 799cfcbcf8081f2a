using System.Text.Json;
using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Tests.Inference;

/// <summary>
/// Predictions for new data against lme4's <c>predict(fm, newdata = nd, …)</c>, pinned in
/// tests/data/prediction_reference.json by tests/data/rgen/prediction_reference.R (R 4.2.2, lme4 1.1-31):
/// from lme4's own estimates (plugged into our fit record) to rounding, and from our fit to the distance between
/// the two optima.
/// </summary>
public class NewDataPredictionTests
{
    private const string CbppFormula = "cbind(incidence, size - incidence) ~ period + (1 | herd)";
    private const string SleepFormula = "Reaction ~ Days + (Days | Subject)";

    private static readonly Lazy<(ModelFrame Frame, FitResult Fit)> Cbpp = new(() => Fit("cbpp", CbppFormula, "binomial"));
    private static readonly Lazy<(ModelFrame Frame, FitResult Fit)> Sleep = new(() => Fit("sleepstudy", SleepFormula, "gaussian"));

    private static (ModelFrame Frame, FitResult Fit) Fit(string data, string formula, string family)
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load(data), formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });
        return (frame, MixedModel.Fit(frame));
    }

    private static JsonElement Reference(string model) => TestData.Json("prediction_reference.json").GetProperty(model);

    private static double[] Numbers(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static string?[] Labels(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()).ToArray();

    /// <summary>The new data as R had it: factor columns from text labels (levels in this table's own order), numbers as numbers.</summary>
    private static DataTable NewData(JsonElement reference)
    {
        var cols = new List<Column>();
        foreach (var p in reference.GetProperty("newdata").EnumerateObject())
            cols.Add(p.Value[0].ValueKind == JsonValueKind.String
                ? FactorColumn.FromLabels(p.Name, Labels(p.Value))
                : new NumericColumn(p.Name, Numbers(p.Value)));
        return new DataTable(cols, "nd");
    }

    /// <summary>Our fit record with lme4's β̂, θ̂, σ̂ and conditional modes in place of ours.</summary>
    private static FitResult WithLme4Estimates(ModelFrame frame, FitResult fit, JsonElement reference)
    {
        var beta = frame.X.ColumnNames.Select(n => reference.GetProperty("fixef").GetProperty(n).GetDouble()).ToArray();
        var re = new List<RandomEffectEstimates>();
        foreach (var term in frame.RandomTerms)
        {
            var r = reference.GetProperty("ranef").GetProperty(term.Group);
            Assert.Equal(term.Levels, Labels(r.GetProperty("levels")).Select(l => l!));
            Assert.Equal(term.ColumnNames, Labels(r.GetProperty("columns")).Select(l => l!));
            re.Add(new RandomEffectEstimates(term.Group, term.ColumnNames, term.Levels, Numbers(r.GetProperty("values")), new double[term.LevelCount * term.ColumnCount]));
        }
        var sigma = reference.GetProperty("sigma");
        return fit with
        {
            Beta = beta,
            Theta = Numbers(reference.GetProperty("theta")),
            Sigma = sigma.ValueKind == JsonValueKind.Null ? null : sigma.GetDouble(),
            RandomEffects = re,
        };
    }

    private static void AssertClose(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"row {i + 1}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tol})");
    }

    private static readonly (PredictionLevel Level, PredictionScale Scale, string Key)[] Lme4Cases =
    [
        (PredictionLevel.Population, PredictionScale.Link, "population_link"),
        (PredictionLevel.Population, PredictionScale.Response, "population_response"),
        (PredictionLevel.Conditional, PredictionScale.Link, "conditional_link"),
        (PredictionLevel.Conditional, PredictionScale.Response, "conditional_response"),
    ];

    [Theory]
    [InlineData("cbpp", 1e-13, 1e-3)]
    [InlineData("sleepstudy", 1e-12, 2e-4)]
    public void NewData_MatchesLme4(string model, double fromLme4Estimates, double fromOurFit)
    {
        var (frame, fit) = model == "cbpp" ? Cbpp.Value : Sleep.Value;
        var reference = Reference(model);
        var nd = NewData(reference);
        var lme4Fit = WithLme4Estimates(frame, fit, reference);
        foreach (var (level, scale, key) in Lme4Cases)
        {
            var expected = Numbers(reference.GetProperty(key));
            // lme4's estimates in our predictor: the design, level mapping and new-level rule alone.
            AssertClose(expected, Prediction.Predict(frame, lme4Fit, nd, level, scale).Values, fromLme4Estimates);
            // Our own fit: cbpp's optimum differs from lme4's by up to 8e-4 in η (see PredictionTests); sleepstudy's θ̂ by
            // enough to move the conditional modes by 1e-4.
            var ours = Prediction.Predict(frame, fit, nd, level, scale);
            AssertClose(expected, ours.Values, fromOurFit);
            Assert.Equal(Enumerable.Range(0, nd.RowCount), ours.InputRows);
        }
    }

    [Fact]
    public void Cbpp_Marginal_MatchesRsIntegral()
    {
        // R: integrate(function(x) plogis(eta + theta * x) * dnorm(x), -Inf, Inf, rel.tol = 1e-13) at lme4's estimates.
        var (frame, fit) = Cbpp.Value;
        var reference = Reference("cbpp");
        var marg = Prediction.Predict(frame, WithLme4Estimates(frame, fit, reference), NewData(reference), PredictionLevel.Marginal, PredictionScale.Response);
        AssertClose(Numbers(reference.GetProperty("marginal_response")), marg.Values, 1e-12);
    }

    [Fact]
    public void NewLevels_GetZeroRandomEffects_AndAreCounted()
    {
        var (frame, fit) = Sleep.Value;
        var nd = NewData(Reference("sleepstudy"));
        var cond = Prediction.Predict(frame, fit, nd, PredictionLevel.Conditional, PredictionScale.Link);
        var pop = Prediction.Predict(frame, fit, nd, PredictionLevel.Population, PredictionScale.Link);
        // Rows 5 and 6 are Subject 999, not in sleepstudy.
        Assert.Equal(pop.Values[4], cond.Values[4]);
        Assert.Equal(pop.Values[5], cond.Values[5]);
        Assert.NotEqual(pop.Values[0], cond.Values[0]);
        var note = Assert.Single(cond.Notes);
        Assert.Contains("Subject: 2 of 7 rows of nd have a level the model was not fitted with", note);
        Assert.Empty(pop.Notes);
    }

    [Theory]
    [InlineData("cbpp", CbppFormula, "binomial")]
    [InlineData("sleepstudy", SleepFormula, "gaussian")]
    public void TrainingDataAsNewData_EqualsFittedRowPredictions(string data, string formula, string family)
    {
        var (frame, fit) = data == "cbpp" ? Cbpp.Value : Sleep.Value;
        Assert.Equal(formula, frame.Formula.Text);
        Assert.Equal(FamilySpec.Parse(family), frame.Family);
        var table = BuiltInDatasets.Load(data);
        foreach (var level in Enum.GetValues<PredictionLevel>())
            foreach (var scale in Enum.GetValues<PredictionScale>())
            {
                var fitted = Prediction.Predict(frame, fit, level, scale);
                var fresh = Prediction.Predict(frame, fit, table, level, scale);
                Assert.Equal(fitted.InputRows, fresh.InputRows);
                AssertClose(fitted.Values, fresh.Values, 1e-12);
                Assert.Empty(fresh.Notes);
            }
    }

    [Fact]
    public void Factors_AreCodedByTheTrainingLevels_NotTheNewTablesOwn()
    {
        // Only periods 3 and 4, as numbers (as a CSV gives them), herds as numbers: the new table's own levels would make
        // period 3 the reference level; the predictions must still be lme4's rows 4 and 7 (period 3) and 2 (period 4).
        var (frame, fit) = Cbpp.Value;
        var reference = Reference("cbpp");
        var nd = new DataTable([new NumericColumn("period", [3, 4, 3]), new NumericColumn("herd", [15, 1, 3])], "nd");
        var lme4Fit = WithLme4Estimates(frame, fit, reference);
        var expected = Numbers(reference.GetProperty("conditional_link"));
        AssertClose([expected[3], expected[1], expected[6]],
            Prediction.Predict(frame, lme4Fit, nd, PredictionLevel.Conditional, PredictionScale.Link).Values, 1e-12);
        var reversed = new DataTable([FactorColumn.FromLabels("period", ["3", "4", "3"], ["4", "3", "2", "1"]),
            FactorColumn.FromLabels("herd", ["15", "1", "3"], ["3", "1", "15"])], "nd");
        AssertClose([expected[3], expected[1], expected[6]],
            Prediction.Predict(frame, lme4Fit, reversed, PredictionLevel.Conditional, PredictionScale.Link).Values, 1e-12);
    }

    [Fact]
    public void UnseenFixedEffectLevel_IsAnErrorNamingColumnAndLevel()
    {
        var (frame, fit) = Cbpp.Value;
        var nd = new DataTable([FactorColumn.FromLabels("period", ["1", "5"]), FactorColumn.FromLabels("herd", ["1", "2"])], "nd.csv");
        var e = Assert.Throws<UserInputException>(() => Prediction.Predict(frame, fit, nd, PredictionLevel.Population, PredictionScale.Link));
        Assert.Equal("nd.csv, row 2: column 'period' has the level '5', which the model was not fitted with (its levels: 1, 2, 3, 4)", e.Message);
    }

    [Fact]
    public void MissingColumn_IsAnErrorNamingIt()
    {
        var (frame, fit) = Cbpp.Value;
        var noPeriod = new DataTable([FactorColumn.FromLabels("herd", ["1", "2"]), new NumericColumn("peroid", [1, 2])], "nd.csv");
        var e = Assert.Throws<UserInputException>(() => Prediction.Predict(frame, fit, noPeriod, PredictionLevel.Population, PredictionScale.Link));
        Assert.Equal("nd.csv: no column 'period'; the model needs it for its fixed effects; did you mean 'peroid'?", e.Message);

        // The grouping factor is needed for conditional predictions only.
        var noHerd = new DataTable([FactorColumn.FromLabels("period", ["1", "2"])], "nd.csv");
        Assert.Equal(2, Prediction.Predict(frame, fit, noHerd, PredictionLevel.Population, PredictionScale.Link).Values.Length);
        Assert.Equal(2, Prediction.Predict(frame, fit, noHerd, PredictionLevel.Marginal, PredictionScale.Response).Values.Length);
        e = Assert.Throws<UserInputException>(() => Prediction.Predict(frame, fit, noHerd, PredictionLevel.Conditional, PredictionScale.Link));
        Assert.StartsWith("nd.csv: no column 'herd'; the model needs it for the grouping factor of (1 | herd)", e.Message);

        // Marginal predictions need the random terms' columns (Days), not the grouping factor.
        var (sf, sfit) = Sleep.Value;
        var noDays = new DataTable([FactorColumn.FromLabels("Subject", ["308"])], "nd.csv");
        e = Assert.Throws<UserInputException>(() => Prediction.Predict(sf, sfit, noDays, PredictionLevel.Population, PredictionScale.Link));
        Assert.Equal("nd.csv: no column 'Days'; the model needs it for its fixed effects", e.Message);
    }

    [Fact]
    public void NaInANeededColumn_GivesNa_NaGroupingGivesThePopulationPrediction()
    {
        // The lme4 reference cases are in NewDataMissingValueTests; here the two rules on one table.
        var (frame, fit) = Sleep.Value;
        var nd = new DataTable([new NumericColumn("Days", [0, 1, double.NaN]), FactorColumn.FromLabels("Subject", ["308", null, "310"])], "nd.csv");
        var pop = Prediction.Predict(frame, fit, nd, PredictionLevel.Population, PredictionScale.Link);
        var cond = Prediction.Predict(frame, fit, nd, PredictionLevel.Conditional, PredictionScale.Link);
        Assert.True(double.IsNaN(pop.Values[2]) && double.IsNaN(cond.Values[2]));
        Assert.Equal(pop.Values[1], cond.Values[1]);
        Assert.NotEqual(pop.Values[0], cond.Values[0]);
    }

    [Fact]
    public void TextWhereTheModelHasNumbers_IsAnError()
    {
        var (frame, fit) = Sleep.Value;
        var nd = new DataTable([FactorColumn.FromLabels("Days", ["0", "1", "2x"])], "nd.csv");
        var e = Assert.Throws<UserInputException>(() => Prediction.Predict(frame, fit, nd, PredictionLevel.Population, PredictionScale.Link));
        Assert.StartsWith("nd.csv: column 'Days' is text (a factor) here, but numeric in the data the model was fitted to", e.Message);
        Assert.Contains("'2x' at row 3", e.Message);
    }

    [Fact]
    public void Offsets_Interactions_AndExpressions_AreRebuiltFromTheFormula()
    {
        // A factor × logical interaction, a transformed covariate and an offset, rebuilt on the training table without
        // its response column: the same predictions as for the fitted rows.
        var table = BuiltInDatasets.Load("cbpp");
        string formula = "incidence ~ period * I(size > 15) + log(size) + offset(log(size)) + (1 | herd)";
        var frame = ModelFrame.Build(table, formula, new ModelFrameOptions { Family = FamilySpec.Parse("poisson") });
        var fit = MixedModel.Fit(frame);
        var fitted = Prediction.Predict(frame, fit, PredictionLevel.Conditional, PredictionScale.Response);
        var nd = new DataTable(table.Columns.Where(c => c.Name != "incidence"), "nd");
        var fresh = Prediction.Predict(frame, fit, nd, PredictionLevel.Conditional, PredictionScale.Response);
        AssertClose(fitted.Values, fresh.Values, 1e-12);
        Assert.True(frame.HasOffset);
    }
}
