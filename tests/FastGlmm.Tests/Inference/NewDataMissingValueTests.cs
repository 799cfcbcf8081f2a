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
/// Predictions for new data with missing values against lme4 1.1-31's <c>predict(fm, newdata, …)</c> with its default
/// <c>na.action = na.pass</c> (the "na" sections of tests/data/prediction_reference.json, from
/// tests/data/rgen/prediction_reference.R): a row with an NA in a fixed-effect column gets NA; an NA grouping value is
/// a level the model was not fitted with (random effects 0).
/// </summary>
public class NewDataMissingValueTests
{
    private static readonly Lazy<(ModelFrame Frame, FitResult Fit)> Cbpp =
        new(() => Fit("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial"));
    private static readonly Lazy<(ModelFrame Frame, FitResult Fit)> Sleep = new(() => Fit("sleepstudy", "Reaction ~ Days + (Days | Subject)", "gaussian"));

    private static (ModelFrame Frame, FitResult Fit) Fit(string data, string formula, string family)
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load(data), formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });
        return (frame, MixedModel.Fit(frame));
    }

    private static JsonElement Na(string model) => TestData.Json("prediction_reference.json").GetProperty(model).GetProperty("na");

    /// <summary>Numbers with JSON null as NaN (R's NA).</summary>
    private static double[] Numbers(JsonElement e) =>
        e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? double.NaN : x.GetDouble()).ToArray();

    /// <summary>The new data as R had it: text columns as factors (null = NA), numbers as numbers (null = NA).</summary>
    private static DataTable NewData(JsonElement na)
    {
        var cols = new List<Column>();
        foreach (var p in na.GetProperty("newdata").EnumerateObject())
        {
            bool text = p.Value.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.String);
            cols.Add(text ? FactorColumn.FromLabels(p.Name, p.Value.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? null : x.GetString()).ToArray())
                          : new NumericColumn(p.Name, Numbers(p.Value)));
        }
        return new DataTable(cols, "nd.csv");
    }

    public static TheoryData<string, string, PredictionLevel, PredictionScale, double> Cases => new()
    {
        // Tolerances: the distance between our optimum and lme4's (prediction_reference's NewData_MatchesLme4).
        { "cbpp", "population_link", PredictionLevel.Population, PredictionScale.Link, 1e-3 },
        { "cbpp", "conditional_link", PredictionLevel.Conditional, PredictionScale.Link, 1e-3 },
        { "cbpp", "conditional_response", PredictionLevel.Conditional, PredictionScale.Response, 1e-4 },
        { "sleepstudy", "population_link", PredictionLevel.Population, PredictionScale.Link, 1e-3 },
        { "sleepstudy", "conditional_link", PredictionLevel.Conditional, PredictionScale.Link, 1e-3 },
        { "sleepstudy", "conditional_response", PredictionLevel.Conditional, PredictionScale.Response, 1e-3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void NaRows_AreNa_AndNaGroupingGetsZeroRandomEffects_AsLme4(string model, string key, PredictionLevel level, PredictionScale scale, double tol)
    {
        var (frame, fit) = model == "cbpp" ? Cbpp.Value : Sleep.Value;
        var na = Na(model);
        var expected = Numbers(na.GetProperty(key));
        var p = Prediction.Predict(frame, fit, NewData(na), level, scale);
        Assert.Equal(expected.Length, p.Values.Length);
        Assert.Contains(expected, double.IsNaN);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i])) { Assert.True(double.IsNaN(p.Values[i]), $"row {i + 1}: expected NA, got {p.Values[i]}"); continue; }
            Assert.True(Math.Abs(expected[i] - p.Values[i]) <= tol, $"row {i + 1}: expected {expected[i]:R}, got {p.Values[i]:R}");
        }
    }

    [Fact]
    public void Lme4Direct_AgreesWithNaPass_WhereLme4Answers()
    {
        // sleepstudy (a numeric fixed effect): lme4 1.1-31 answers the whole table itself, and that is the na.pass result.
        var sleep = Na("sleepstudy");
        Assert.Equal(Numbers(sleep.GetProperty("conditional_link")), Numbers(sleep.GetProperty("lme4_direct_conditional_link")));
        Assert.Equal(Numbers(sleep.GetProperty("population_link")), Numbers(sleep.GetProperty("lme4_direct_population_link")));
        // cbpp (an NA in the factor period): lme4 1.1-31 stops; FastGlmm gives na.pass's NA instead.
        Assert.StartsWith("error:", Na("cbpp").GetProperty("lme4_direct_conditional_link").GetString());
    }

    [Fact]
    public void Notes_CountNaRows_NamingTheColumns_AndNaGroupingAmongNewLevels()
    {
        var (frame, fit) = Cbpp.Value;
        // Rows: complete; NA herd; NA period; complete; both NA; complete. Herd 16 (row 3) is new but that row is NA anyway.
        var p = Prediction.Predict(frame, fit, NewData(Na("cbpp")), PredictionLevel.Conditional, PredictionScale.Link);
        Assert.Equal(
        [
            "2 of 6 rows of nd.csv have NA in the column 'period'; their predictions are NA (lme4's na.action = na.pass)",
            "herd: 1 of 6 rows of nd.csv has an NA grouping value; their (1 | herd) effects are 0 (lme4's allow.new.levels = TRUE)",
        ], p.Notes);
        var (sf, sfit) = Sleep.Value;
        var s = Prediction.Predict(sf, sfit, NewData(Na("sleepstudy")), PredictionLevel.Conditional, PredictionScale.Link);
        Assert.Equal(
        [
            "2 of 6 rows of nd.csv have NA in the column 'Days'; their predictions are NA (lme4's na.action = na.pass)",
            "Subject: 2 of 6 rows of nd.csv have a level the model was not fitted with (1 of them NA); their (1 + Days | Subject) effects are 0 (lme4's allow.new.levels = TRUE)",
        ], s.Notes);
    }

    [Fact]
    public void SeveralNaColumns_AreAllNamed_AndPopulationPredictionsIgnoreTheGroupingColumn()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ Days + I(Days^2) + (1 | Subject)");
        var fit = MixedModel.Fit(frame);
        var nd = new DataTable([new NumericColumn("Days", [1, double.NaN, 2]), FactorColumn.FromLabels("Subject", ["308", "309", null])], "nd.csv");
        var p = Prediction.Predict(frame, fit, nd, PredictionLevel.Population, PredictionScale.Link);
        Assert.True(double.IsNaN(p.Values[1]));
        Assert.False(double.IsNaN(p.Values[0]) || double.IsNaN(p.Values[2]));
        Assert.Equal(["1 of 3 rows of nd.csv has NA in the column 'Days'; its prediction is NA (lme4's na.action = na.pass)"], p.Notes);

        var two = ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "incidence ~ period + size + (1 | herd)");
        var nd2 = new DataTable([FactorColumn.FromLabels("period", [null, "2", "3"]), new NumericColumn("size", [10, double.NaN, 5]),
            FactorColumn.FromLabels("herd", ["1", "2", "3"])], "nd.csv");
        var q = Prediction.Predict(two, MixedModel.Fit(two), nd2, PredictionLevel.Conditional, PredictionScale.Link);
        Assert.Equal([true, true, false], q.Values.Select(double.IsNaN));
        Assert.Equal("2 of 3 rows of nd.csv have NA in the columns 'period', 'size'; their predictions are NA (lme4's na.action = na.pass)", q.Notes[0]);
    }

    [Fact]
    public void NaOffset_GivesNa_AndAnUnseenLevelElsewhereIsStillAnError()
    {
        var (frame, fit) = Cbpp.Value;
        // An NA does not hide an unseen fixed-effect level in another row.
        var nd = new DataTable([FactorColumn.FromLabels("period", [null, "5"]), FactorColumn.FromLabels("herd", ["1", "2"])], "nd.csv");
        var e = Assert.Throws<UserInputException>(() => Prediction.Predict(frame, fit, nd, PredictionLevel.Conditional, PredictionScale.Link));
        Assert.StartsWith("nd.csv, row 2: column 'period' has the level '5', which the model was not fitted with", e.Message);

        var table = BuiltInDatasets.Load("cbpp");
        var withOffset = ModelFrame.Build(table, "incidence ~ period + offset(log(size)) + (1 | herd)", new ModelFrameOptions { Family = FamilySpec.Parse("poisson") });
        var ofit = MixedModel.Fit(withOffset);
        var nd3 = new DataTable([FactorColumn.FromLabels("period", ["1", "2"]), new NumericColumn("size", [double.NaN, 10]), FactorColumn.FromLabels("herd", ["1", "2"])], "nd.csv");
        var p = Prediction.Predict(withOffset, ofit, nd3, PredictionLevel.Population, PredictionScale.Response);
        Assert.True(double.IsNaN(p.Values[0]));
        Assert.Equal(10 * Math.Exp(ofit.Beta[0] + ofit.Beta[1]), p.Values[1], 1e-10);
        Assert.Equal("1 of 2 rows of nd.csv has NA in the column 'size'; its prediction is NA (lme4's na.action = na.pass)", p.Notes[0]);
    }
}
