using System.Globalization;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;

namespace FastGlmm.Tests.Cli;

/// <summary>fastglmm predict: the CSV it writes, its notes and its errors.</summary>
public class PredictCommandTests
{
    private const string Formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

    private static (int[] Rows, double[] Values) ParseCsv(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("row,prediction", lines[0]);
        var cells = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        return (cells.Select(c => int.Parse(c[0], CultureInfo.InvariantCulture)).ToArray(),
                cells.Select(c => double.Parse(c[1], CultureInfo.InvariantCulture)).ToArray());
    }

    [Fact]
    public void NewData_ConditionalResponse_MatchesTheLibraryAndLme4()
    {
        // The new rows of tests/data/prediction_reference.json, written as a user's CSV (numbers for herd and period).
        string nd = CliRunner.WriteCsv("nd.csv", "herd,period\n1,1\n1,4\n7,2\n15,3\n16,1\n16,4\n3,3\n10,2\n");
        var (code, o, err) = CliRunner.Run("predict", "--data", "cbpp", "--family", "binomial", "--formula", Formula,
            "--newdata", nd, "--level", "conditional", "--scale", "response");
        Assert.True(code == 0, err);
        var (rows, values) = ParseCsv(o);
        Assert.Equal(Enumerable.Range(1, 8), rows);
        // lme4 1.1-31: predict(gm, newdata = nd, allow.new.levels = TRUE, type = "response") (prediction_reference.R).
        double[] lme4 = [0.308164724138358, 0.0840570118481407, 0.18223091797951, 0.0449092712605337,
                         0.19807920550964, 0.0484256460057628, 0.107101754230952, 0.0506241114126233];
        for (int i = 0; i < 8; i++) Assert.Equal(lme4[i], values[i], 1e-4);
        // The CSV round-trips the library's numbers exactly.
        var frame = ModelFrame.Build(BuiltInDatasets.Load("cbpp"), Formula, new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        var lib = Prediction.Predict(frame, MixedModel.Fit(frame), FastGlmm.Data.Csv.CsvReader.ReadFile(nd), PredictionLevel.Conditional, PredictionScale.Response);
        Assert.Equal(lib.Values, values);
        Assert.Contains("note: herd: 2 of 8 rows of", err);
        Assert.Contains("(lme4's allow.new.levels = TRUE)", err);
    }

    [Fact]
    public void NewData_WithNa_WritesNa_AndOneNoteNamingTheColumn()
    {
        // The cbpp rows of prediction_reference.json's "na" table as a user's CSV (NA and empty cells are NA).
        string nd = CliRunner.WriteCsv("nd.csv", "herd,period\n1,1\nNA,2\n16,\n3,4\n,NA\n7,3\n");
        var (code, o, err) = CliRunner.Run("predict", "--data", "cbpp", "--family", "binomial", "--formula", Formula, "--newdata", nd);
        Assert.True(code == 0, err);
        var lines = o.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["3,NA", "5,NA"], lines.Where(l => l.EndsWith(",NA", StringComparison.Ordinal)));
        var (rows, values) = ParseCsv(string.Join("\n", lines.Where(l => !l.EndsWith(",NA", StringComparison.Ordinal))));
        Assert.Equal([1, 2, 4, 6], rows);
        // lme4 1.1-31 (na.pass; an NA herd is a new level): conditional_link of the "na" table.
        double[] lme4 = [-0.808713427979033, -2.39026783944688, -2.5722224688892, -1.63759657893622];
        for (int i = 0; i < 4; i++) Assert.Equal(lme4[i], values[i], 1e-3);
        Assert.Contains($"note: 2 of 6 rows of {nd} have NA in the column 'period'; their predictions are NA (lme4's na.action = na.pass)", err);
        Assert.Contains($"note: herd: 1 of 6 rows of {nd} has an NA grouping value;", err);
    }

    [Fact]
    public void FittedRows_ToAFile()
    {
        string outPath = Path.Combine(Path.GetDirectoryName(CliRunner.WriteCsv("x.csv", "a\n1\n"))!, "preds.csv");
        var (code, o, err) = CliRunner.Run("predict", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)",
            "--level", "population", "--out", outPath);
        Assert.True(code == 0, err);
        Assert.Contains($"180 predictions (population, link scale) of sleepstudy written to {outPath}", o);
        var (rows, values) = ParseCsv(File.ReadAllText(outPath));
        Assert.Equal(Enumerable.Range(1, 180), rows);
        // lme4 1.1-31: fixef(lmer(Reaction ~ Days + (Days | Subject), sleepstudy)); row 10 has Days = 9.
        Assert.Equal(251.40510485, values[0], 1e-4);
        Assert.Equal(251.40510485 + 9 * 10.46728596, values[9], 1e-4);
    }

    [Fact]
    public void UnseenLevel_IsAOneLineError()
    {
        string nd = CliRunner.WriteCsv("nd.csv", "herd,period\n1,1\n2,7\n");
        var (code, o, err) = CliRunner.Run("predict", "--data", "cbpp", "--family", "binomial", "--formula", Formula, "--newdata", nd);
        Assert.Equal(1, code);
        Assert.Equal("", o);
        Assert.Equal($"error: {nd}, row 2: column 'period' has the level '7', which the model was not fitted with (its levels: 1, 2, 3, 4)",
            err.Trim());
    }

    [Theory]
    [InlineData("--level", "bogus", "error: --level bogus: use population, conditional or marginal")]
    [InlineData("--scale", "mean", "error: --scale mean: use link or response")]
    public void BadOption_IsAOneLineError(string option, string value, string message)
    {
        var (code, _, err) = CliRunner.Run("predict", "--data", "cbpp", "--family", "binomial", "--formula", Formula, option, value);
        Assert.Equal(1, code);
        Assert.Equal(message, err.Trim());
    }

    [Fact]
    public void Help_DescribesTheOptions()
    {
        var (code, o, _) = CliRunner.Run("predict", "--help");
        Assert.Equal(0, code);
        foreach (var opt in new[] { "--newdata", "--level", "--scale", "--out", "--formula", "--family" }) Assert.Contains(opt, o);
        Assert.Contains("allow.new.levels = TRUE", o);
    }
}
