using System.Text.Json;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// fit --ddf and --anova: lmerTest 3.1-3's printed tables (print(summary(m)) and print(anova(m)) on lme4 1.1-31,
/// R 4.2.2, for sleepstudy and epil), the JSON, and one-line refusals.
/// </summary>
public class DdfCommandTests
{
    [Fact]
    public void Summary_PrintsLmerTestsTables()
    {
        var (code, output, err) = CliRunner.Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)", "--ddf", "satterthwaite", "--anova");
        Assert.True(code == 0, err);
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Equal("Linear mixed model fit by REML. t-tests use Satterthwaite's method [lmerModLmerTest]", lines[0]);
        Assert.Contains("            Estimate Std. Error      df t value Pr(>|t|)", lines);
        Assert.Contains("(Intercept)  251.405      6.825  17.000  36.838  < 2e-16 ***", lines);
        Assert.Contains("Days          10.467      1.546  17.000   6.771 3.26e-06 ***", lines);
        Assert.Contains("Type III Analysis of Variance Table with Satterthwaite's method", lines);
        Assert.Contains("     Sum Sq Mean Sq NumDF DenDF F value    Pr(>F)", lines);
        Assert.Contains("Days  30031   30031     1    17  45.853 3.264e-06 ***", lines);
    }

    [Fact]
    public void AnovaTable_FormatsAsPrintAnova()
    {
        // anova(lmer(log(y + 1) ~ trt * factor(period) + lbase + (1 | subject), epil, REML = FALSE))
        var (code, output, err) = CliRunner.Run("fit", "--data", "epil", "--formula", "log(y + 1) ~ trt * factor(period) + lbase + (1 | subject)", "--ml", "--anova", "3");
        Assert.True(code == 0, err);
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToList();
        int at = lines.IndexOf("Type III Analysis of Variance Table with Satterthwaite's method");
        Assert.True(at > 0, output);
        Assert.Equal(
        [
            "                    Sum Sq Mean Sq NumDF DenDF F value    Pr(>F)",
            "trt                 1.2712  1.2712     1    59  4.4247    0.0397 *",
            "factor(period)      1.1534  0.3845     3   177  1.3382    0.2635",
            "lbase              26.3987 26.3987     1    59 91.8850 1.225e-13 ***",
            "trt:factor(period)  1.4398  0.4799     3   177  1.6705    0.1751",
        ], lines.Skip(at + 1).Take(5));
    }

    [Fact]
    public void Json_HoldsTheTests()
    {
        string json = CliRunner.TempPath("ddf.json");
        var (code, _, err) = CliRunner.Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)",
            "--ddf", "kenward-roger", "--anova", "--json", json, "--quiet");
        Assert.True(code == 0, err);
        var t = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("fixed_effect_tests");
        Assert.Equal("Kenward-Roger", t.GetProperty("method").GetString());
        // pbkrtest: df 17 for both coefficients of this balanced design; p(Days) 3.263808018e-06.
        Assert.Equal(17, t.GetProperty("coefficients")[1].GetProperty("df").GetDouble(), 1e-3);
        Assert.Equal(3.263808018e-06, t.GetProperty("coefficients")[1].GetProperty("p").GetDouble(), 1e-9);
        Assert.Equal("Type III Analysis of Variance Table with Kenward-Roger's method", t.GetProperty("anova_heading").GetString());
        Assert.Equal(45.85296156, t.GetProperty("anova")[0].GetProperty("f").GetDouble(), 1e-4);
    }

    [Theory]
    [InlineData("error: --ddf: denominator degrees of freedom apply to linear mixed models (gaussian, identity link) only; a GLMM's summary uses z tests, as lme4's",
        "--family", "poisson", "--ddf", "satterthwaite")]
    [InlineData("error: --ddf kenward-roger: Kenward-Roger's method needs a REML fit (as lmerTest and pbkrtest require); drop --ml, or use --ddf satterthwaite",
        "--ml", "--ddf", "kenward-roger")]
    [InlineData("error: --anova 4: unknown type; use 3 (type III, lmerTest's default), 2 or 1", "--anova", "4")]
    [InlineData("error: --ddf lme5: unknown method; use satterthwaite, kenward-roger or none", "--ddf", "lme5")]
    [InlineData("error: --anova: an F table needs denominator degrees of freedom; drop --ddf none, or use --ddf satterthwaite or kenward-roger",
        "--ddf", "none", "--anova")]
    public void Misuse_IsOneLine(string expected, params string[] extra)
    {
        string formula = extra.Contains("poisson") ? "incidence ~ period + (1 | herd)" : "Reaction ~ Days + (1 | Subject)";
        string data = extra.Contains("poisson") ? "cbpp" : "sleepstudy";
        var (code, _, err) = CliRunner.Run(["fit", "--data", data, "--formula", formula, .. extra]);
        Assert.Equal(1, code);
        Assert.Equal(expected, err.Trim());
    }
}
