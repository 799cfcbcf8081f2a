using System.Text.Json;
using FastGlmm.Tests.Frame;

namespace FastGlmm.Tests.Cli;

/// <summary>describe, as text and JSON, on built-in and file data.</summary>
public class DescribeTests
{
    [Fact]
    public void Salamander_ReportsSixBlocksOfTwentyLevels()
    {
        var (code, o, err) = CliRunner.Run("describe", "--data", "salamander", "--formula", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)", "--family", "binomial");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("Blocks:    6 independent blocks; the largest has 60 rows and 20 random-effect levels", o);
        Assert.Contains("Fixed effects (4 columns): CrossR/R, CrossR/W, CrossW/R, CrossW/W", o);
    }

    [Theory]
    [MemberData(nameof(ReferenceFitNamesTests.Files), MemberType = typeof(ReferenceFitNamesTests))]
    public void Json_FixedEffectsEqualReference(string file)
    {
        var r = TestData.Json("reference", file);
        var (code, o, err) = CliRunner.Run("describe", "--data", r.GetProperty("dataset").GetString()!.Replace(".csv", ""),
            "--formula", ReferenceFitNamesTests.Lme4Formula(r), "--family", ReferenceFitNamesTests.Family(r), "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(o);
        var names = doc.RootElement.GetProperty("fixed_effects").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(r.GetProperty("fixef").EnumerateObject().Select(p => p.Name).ToArray(), names);
        Assert.Equal(0, doc.RootElement.GetProperty("rows_dropped").GetInt32());
    }

    [Fact]
    public void CsvWithNA_ReportsDroppedRows_AndFactorOption()
    {
        string p = CliRunner.WriteCsv("na.csv", "y,x,g\n1,2,1\n0,NA,1\n1,4,2\n0,,2\n1,6,3\n0,7,3\n");
        var (code, o, err) = CliRunner.Run("describe", "--data", p, "--formula", "y ~ x + g + (1 | g)", "--family", "binomial", "--factor", "g", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(o);
        Assert.Equal(4, doc.RootElement.GetProperty("rows_used").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("rows_dropped").GetInt32());
        Assert.Equal(["(Intercept)", "x", "g2", "g3"], doc.RootElement.GetProperty("fixed_effects").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(3, doc.RootElement.GetProperty("blocks").GetProperty("count").GetInt32());
    }

    [Fact]
    public void LevelsFile_SetsReferenceLevel()
    {
        string csv = CliRunner.WriteCsv("t.csv", "y,trt,g\n1,a,1\n0,b,1\n1,c,2\n0,a,2\n1,b,3\n0,c,3\n");
        string lv = Path.Combine(Path.GetDirectoryName(csv)!, "t.levels.json");
        File.WriteAllText(lv, "{\"dataset\": [\"t.csv\"], \"factor_levels\": {\"trt\": [\"c\", \"a\", \"b\"]}}");
        var (code, o, err) = CliRunner.Run("describe", "--data", csv, "--formula", "y ~ trt + (1 | g)", "--levels-file", lv, "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(o);
        Assert.Equal(["(Intercept)", "trta", "trtb"], doc.RootElement.GetProperty("fixed_effects").EnumerateArray().Select(e => e.GetString()!));
    }

    [Fact]
    public void Datasets_ListsAllSix()
    {
        var (code, o, _) = CliRunner.Run("datasets");
        Assert.Equal(0, code);
        foreach (var n in new[] { "bacteria", "cbpp", "epil", "penicillin", "salamander", "sleepstudy" }) Assert.Contains(n, o);
    }
}
