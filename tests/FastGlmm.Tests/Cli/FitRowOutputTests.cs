using System.Globalization;
using System.Text.Json;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// fit --fitted and --ranef stream per-row and per-level values to CSV (lme4's fitted(), residuals() and
/// as.data.frame(ranef(condVar = TRUE)) layouts); --json holds them only with --json-rows.
/// </summary>
public class FitRowOutputTests
{
    private const string Sleep = "Reaction ~ Days + (Days | Subject)";

    private static string Temp(string name) => Path.Combine(Path.GetTempPath(), "fastglmm-tests", Guid.NewGuid().ToString("N"), name);

    [Fact]
    public void RanefCsv_MatchesLme4Modes_AndFittedCsvIsConsistent()
    {
        string ranef = Temp("ranef.csv"), fitted = Temp("fitted.csv"), json = Temp("fit.json");
        Directory.CreateDirectory(Path.GetDirectoryName(ranef)!);
        Directory.CreateDirectory(Path.GetDirectoryName(fitted)!);
        Directory.CreateDirectory(Path.GetDirectoryName(json)!);
        var (code, _, err) = CliRunner.Run("fit", "--data", "sleepstudy", "--formula", Sleep, "--quiet",
            "--ranef", ranef, "--fitted", fitted, "--json", json, "--json-rows");
        Assert.True(code == 0, err);

        var lines = File.ReadAllLines(ranef);
        Assert.Equal("grpvar,term,grp,condval,condsd", lines[0]);
        Assert.Equal(1 + 2 * 18, lines.Length);
        var reference = TestData.Json("reference", "sleepstudy_reml.json").GetProperty("ranef_head")[0];
        var terms = reference.GetProperty("terms").EnumerateArray().Select(x => x.GetString()!).ToArray();
        var levels = reference.GetProperty("levels").EnumerateArray().Select(x => x.GetString()!).ToArray();
        var values = reference.GetProperty("values");
        for (int c = 0; c < terms.Length; c++)
            for (int l = 0; l < levels.Length; l++)
            {
                var row = lines.Single(x => x.StartsWith($"Subject,{terms[c]},{levels[l]},", StringComparison.Ordinal)).Split(',');
                Assert.Equal(values[c][l].GetDouble(), double.Parse(row[3], CultureInfo.InvariantCulture), 1e-3);
                Assert.True(double.Parse(row[4], CultureInfo.InvariantCulture) > 0);
            }

        var f = File.ReadAllLines(fitted);
        Assert.Equal("row,fitted,residual_response,residual_pearson,residual_deviance", f[0]);
        Assert.Equal(181, f.Length);
        // The same numbers as the --json-rows arrays, and y = fitted + residual for the first row (Reaction 249.56).
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var fittedJson = doc.RootElement.GetProperty("fitted");
        for (int i = 0; i < 180; i++)
        {
            var cells = f[i + 1].Split(',');
            Assert.Equal((i + 1).ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(fittedJson[i].GetDouble(), double.Parse(cells[1], CultureInfo.InvariantCulture));
        }
        var first = f[1].Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(249.56, first[1] + first[2], 1e-9);
    }

    [Fact]
    public void JsonRowsWithoutJson_IsRefused()
    {
        var (code, _, err) = CliRunner.Run("fit", "--data", "sleepstudy", "--formula", Sleep, "--quiet", "--json-rows");
        Assert.Equal(1, code);
        Assert.Contains("--json-rows: applies only with --json FILE", err);
    }

    [Fact]
    public void FittedIntoMissingFolder_RefusedBeforeFitting()
    {
        var (code, _, err) = CliRunner.Run("fit", "--data", "sleepstudy", "--formula", Sleep, "--quiet", "--fitted", "/nonexistent-dir/f.csv");
        Assert.Equal(1, code);
        Assert.Contains("--fitted /nonexistent-dir/f.csv: the folder", err);
    }
}
