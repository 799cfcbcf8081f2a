using System.Text.Json;

namespace FastGlmm.Tests.Cli;

/// <summary><c>fit --confint … --json</c>: the JSON carries the printed table's intervals (the R front end's confint() reads them).</summary>
public class ConfintJsonTests
{
    [Fact]
    public void Json_HoldsTheIntervals_NaAsNull()
    {
        string path = CliRunner.TempPath("fit.json");
        var (code, o, e) = CliRunner.Run("fit", "--data", "cbpp", "--formula", "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            "--family", "binomial", "--confint", "Wald", "--confint-level", "0.9", "--json", path);
        Assert.True(code == 0, e);
        Assert.Contains("Confidence intervals (Wald, 90%):", o);
        var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        var ci = root.GetProperty("confint");
        Assert.Equal(0.9, ci.GetProperty("level").GetDouble());
        var rows = ci.GetProperty("intervals").EnumerateArray().ToArray();
        Assert.Equal([".sig01", "(Intercept)", "period2", "period3", "period4"], rows.Select(r => r.GetProperty("parameter").GetString()));
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("lower").ValueKind);   // lme4's NA for a variance parameter
        double b0 = root.GetProperty("beta")[0].GetDouble(), se0 = root.GetProperty("beta_se")[0].GetDouble();
        double z = FastGlmm.Families.StandardNormal.Quantile(0.95);
        Assert.Equal(b0 - z * se0, rows[1].GetProperty("lower").GetDouble(), 1e-12);
        Assert.Equal(b0 + z * se0, rows[1].GetProperty("upper").GetDouble(), 1e-12);
        Assert.Equal("Wald", rows[1].GetProperty("method").GetString());
        // The printed table holds the same limits (7 significant digits, R's format).
        Assert.Contains((b0 - z * se0).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture), o);
    }
}
