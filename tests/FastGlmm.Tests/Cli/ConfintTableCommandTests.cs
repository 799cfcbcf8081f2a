using System.Globalization;
using FastGlmm.Cli.Printing;
using FastGlmm.Tests.Inference;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// fastglmm fit --confint profile|Wald --confint-level L prints lme4's confint() table: its column names, its rows (.sig01,
/// …, .sigma, the fixed effects) and NA for the variance rows of a Wald table, against lme4 1.1-31
/// (tests/data/confint_reference.json).
/// </summary>
public class ConfintTableCommandTests
{
    private const string CbppFormula = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

    private static string[] Args(string id) => id.StartsWith("cbpp", StringComparison.Ordinal)
        ? ["fit", "--data", "cbpp", "--family", "binomial", "--formula", CbppFormula, "--quiet"]
        : ["fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)", "--quiet"];

    [Theory]
    [InlineData("sleepstudy_slope_reml", "Wald", 0.95, "wald", 2e-6)]
    [InlineData("sleepstudy_slope_reml", "Wald", 0.9, "wald", 2e-6)]
    [InlineData("sleepstudy_slope_reml", "profile", 0.95, "profile", 2e-4)]
    [InlineData("sleepstudy_slope_reml", "profile", 0.9, "profile", 2e-4)]
    [InlineData("cbpp_binomial_tight", "Wald", 0.95, "wald", 2e-4)]
    [InlineData("cbpp_binomial_tight", "Wald", 0.9, "wald", 2e-4)]
    [InlineData("cbpp_binomial", "profile", 0.95, "profile", 1e-4)]
    [InlineData("cbpp_binomial", "profile", 0.9, "profile", 1e-4)]
    public void PrintsLme4sTable(string id, string method, double level, string table, double tol)
    {
        string levelText = level.ToString(CultureInfo.InvariantCulture);
        var (code, o, err) = CliRunner.Run([.. Args(id), "--confint", method, "--confint-level", levelText]);
        Assert.True(code == 0, err);
        var lines = o.Replace("\r", "").Split('\n');
        int h = Array.IndexOf(lines, $"Confidence intervals ({method}, {100 * level:0.##}%):");
        Assert.True(h >= 0, o);
        var reference = ConfidenceTableTests.Table(id, level, table);
        Assert.Equal(reference.GetProperty("columns").EnumerateArray().Select(c => c.GetString()),
            lines[h + 1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var rows = ConfidenceTableTests.Rows(id, level, table);
        for (int j = 0; j < rows.Length; j++)
        {
            var cells = lines[h + 2 + j].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(rows[j].Name, cells[0]);
            foreach (var (expected, cell) in new[] { (rows[j].Lower, cells[1]), (rows[j].Upper, cells[2]) })
            {
                if (double.IsNaN(expected)) { Assert.Equal("NA", cell); continue; }
                // Printed to 7 significant digits: 5e-7 relative more.
                Assert.Equal(expected, double.Parse(cell, CultureInfo.InvariantCulture), (tol + 5e-7) * Math.Abs(expected));
            }
        }
        Assert.Equal("", lines[h + 2 + rows.Length]);
    }

    public static TheoryData<string, string, string[]> RPrints => new()
    {
        // R 4.2.2, lme4 1.1-31: print(confint(fm, method = "Wald", level = 0.9)) for the two reference fits.
        { "sleepstudy_slope_reml", "Reaction ~ Days + (Days | Subject)",
            [
                "                   5 %      95 %",
                ".sig01              NA        NA",
                ".sig02              NA        NA",
                ".sig03              NA        NA",
                ".sigma              NA        NA",
                "(Intercept) 240.179642 262.63057",
                "Days          7.924688  13.00988",
            ] },
        { "cbpp_binomial", CbppFormula,
            [
                "                  5 %       95 %",
                ".sig01             NA         NA",
                "(Intercept) -1.778656 -1.0180296",
                "period2     -1.490563 -0.4932865",
                "period3     -1.659225 -0.5972079",
                "period4     -2.273955 -0.8855363",
            ] },
    };

    /// <summary>At lme4's β̂ and SEs the table is character for character what R prints (column widths, NA, digits).</summary>
    [Theory]
    [MemberData(nameof(RPrints))]
    public void WaldTable_AtLme4sEstimates_IsWhatRPrints(string id, string formula, string[] r)
    {
        var m = ConfidenceTableTests.Model(id);
        bool glmm = id.StartsWith("cbpp", StringComparison.Ordinal);
        var frame = FastGlmm.Data.Frame.ModelFrame.Build(FastGlmm.Datasets.BuiltInDatasets.Load(glmm ? "cbpp" : "sleepstudy"), formula,
            new FastGlmm.Data.Frame.ModelFrameOptions { Family = FastGlmm.Families.FamilySpec.Parse(glmm ? "binomial" : "gaussian") });
        var fit = FastGlmm.Fitting.MixedModel.Fit(frame);
        fit = fit with
        {
            Beta = fit.BetaNames.Select(n => m.GetProperty("fixef").GetProperty(n).GetDouble()).ToArray(),
            BetaSe = fit.BetaNames.Select(n => m.GetProperty("se").GetProperty(n).GetDouble()).ToArray(),
        };
        var o = new StringWriter();
        ConfidenceIntervalWriter.Write(o, TextWriter.Null, frame, fit, "Wald", 0.9);
        Assert.Equal(["", "Confidence intervals (Wald, 90%):", .. r], o.ToString().Replace("\r", "").TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Headers_AreLme4s_ForEveryReferenceLevel()
    {
        // lme4:::format.perc(c(a, 1 - a), 3) for a = (1 - level)/2 (confint_reference.json "headers").
        var headers = TestData.Json("confint_reference.json").GetProperty("headers").EnumerateArray().ToArray();
        Assert.True(headers.Length >= 9);
        foreach (var h in headers)
        {
            var (lower, upper) = ConfidenceIntervalWriter.Headers(h.GetProperty("level").GetDouble());
            Assert.Equal(h.GetProperty("columns").EnumerateArray().Select(c => c.GetString()), [lower, upper]);
        }
    }

    [Theory]
    [InlineData("0", "--confint-level 0: the confidence level must be a number strictly between 0 and 1, e.g. 0.9")]
    [InlineData("1", "--confint-level 1: the confidence level must be a number strictly between 0 and 1, e.g. 0.9")]
    [InlineData("95", "--confint-level 95: the confidence level must be a number strictly between 0 and 1, e.g. 0.9")]
    [InlineData("-0.1", "--confint-level -0.1: the confidence level must be a number strictly between 0 and 1, e.g. 0.9")]
    [InlineData("abc", "--confint-level abc: the confidence level must be a number strictly between 0 and 1, e.g. 0.9")]
    [InlineData("NaN", "--confint-level NaN: the confidence level must be a number strictly between 0 and 1, e.g. 0.9")]
    public void BadLevel_IsAOneLineError(string level, string message)
    {
        var (code, o, err) = CliRunner.Run([.. Args("cbpp"), "--confint", "Wald", "--confint-level", level]);
        Assert.Equal(1, code);
        Assert.Equal("error: " + message, err.Trim());
        Assert.Equal("", o);
    }

    [Fact]
    public void LevelWithoutConfint_IsAOneLineError()
    {
        var (code, _, err) = CliRunner.Run([.. Args("cbpp"), "--confint-level", "0.9"]);
        Assert.Equal(1, code);
        Assert.Equal("error: --confint-level 0.9: applies only with --confint profile or --confint Wald", err.Trim());
    }
}
