using System.Globalization;
using System.Text.Json;
using FastGlmm.Cli.Commands;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Fitting;

namespace FastGlmm.Tests.Cli;

/// <summary>fastglmm fit: lme4's summary layout and numbers, the JSON file, and bad input.</summary>
public class FitCommandTests
{
    private const string CbppFormula = "cbind(incidence, size - incidence) ~ period + (1 | herd)";
    private const string SleepFormula = "Reaction ~ Days + (Days | Subject)";

    private static string TempJson() =>
        Path.Combine(Path.GetDirectoryName(CliRunner.WriteCsv("unused.csv", ""))!, "fit.json");

    private static string[] Lines(string text) => text.Replace("\r", "").Split('\n');

    [Fact]
    public void Cbpp_Binomial_SummaryAndJson()
    {
        var r = TestData.Json("reference", "cbpp_laplace.json");
        var tmb = TestData.Json("reference", "cbpp_glmmtmb.json");
        string json = TempJson();
        var (code, o, err) = CliRunner.Run("fit", "--data", "cbpp", "--formula", CbppFormula, "--family", "binomial", "--json", json);
        Assert.True(code == 0, err);
        Assert.Equal("", err);
        var lines = Lines(o);
        Assert.Equal("Generalized linear mixed model fit by maximum likelihood (Laplace Approximation) ['glmerMod']", lines[0]);
        Assert.Equal(" Family: binomial  ( logit )", lines[1]);
        Assert.Equal("Formula: " + CbppFormula, lines[2]);
        Assert.Equal("   Data: cbpp", lines[3]);
        Assert.Equal("     AIC      BIC   logLik deviance df.resid", lines[5]);
        // lme4: AIC 194.0531, BIC 204.1799, logLik −92.0266, deviance 184.0531, df.resid 51.
        string aic = string.Format(CultureInfo.InvariantCulture, "{0,8:F1} {1,8:F1} {2,8:F1} {3,8:F1} {4,8}",
            r.GetProperty("AIC").GetDouble(), r.GetProperty("BIC").GetDouble(), r.GetProperty("logLik").GetDouble(),
            r.GetProperty("deviance").GetDouble(), 51);
        Assert.Equal(aic, lines[6]);
        Assert.Contains(" Groups Name        Variance Std.Dev.", lines);
        Assert.Contains("Number of obs: 56, groups:  herd, 15", lines);
        Assert.Contains("            Estimate Std. Error z value Pr(>|z|)", lines);
        Assert.Contains("Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1", lines);
        Assert.Contains("        (Intr) perid2 perid3", lines);
        // Printed estimates agree with lme4's to the optimum's precision (glmmTMB's optimum is 3e-4 higher).
        foreach (var fe in r.GetProperty("fixef").EnumerateObject())
        {
            var row = lines.First(l => l.StartsWith(fe.Name + " ", StringComparison.Ordinal)); // the fixed-effects row
            double est = double.Parse(row[fe.Name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
            Assert.InRange(est, fe.Value.GetDouble() - 2e-3, fe.Value.GetDouble() + 2e-3);
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal("cbpp", root.GetProperty("data").GetString());
        double ll = root.GetProperty("log_lik").GetDouble();
        Assert.Equal(-92.0263, Math.Round(ll, 4));
        Assert.InRange(ll - r.GetProperty("logLik").GetDouble(), 0, 1e-3);   // at least lme4's optimum
        Assert.Equal(tmb.GetProperty("logLik").GetDouble(), ll, 1e-5);
        Assert.Equal(4, root.GetProperty("beta").GetArrayLength());
        Assert.Equal(r.GetProperty("theta").GetDouble(), root.GetProperty("theta")[0].GetDouble(), 2e-3);
        var conv = root.GetProperty("convergence");
        Assert.True(conv.GetProperty("evaluations").GetInt32() > 0);
        Assert.True(conv.GetProperty("seconds").GetDouble() >= 0);
        Assert.True(conv.GetProperty("converged").GetBoolean());
        Assert.NotEmpty(conv.GetProperty("messages").EnumerateArray());
        Assert.Equal("cpu", root.GetProperty("backend").GetString());
        foreach (var name in new[] { "input_rows", "fitted", "residuals_pearson", "random_effects" })
            Assert.False(root.TryGetProperty(name, out _), name); // per-row values only with --json-rows
    }

    [Fact]
    public void Sleepstudy_Reml_Summary()
    {
        var (code, o, err) = CliRunner.Run("fit", "--data", "sleepstudy", "--formula", SleepFormula);
        Assert.True(code == 0, err);
        var lines = Lines(o);
        Assert.Equal("Linear mixed model fit by REML ['lmerMod']", lines[0]);
        Assert.Equal("Formula: " + SleepFormula, lines[1]);
        // lme4 1.1-31 prints exactly these lines (its REML criterion is 1743.628).
        Assert.Contains("REML criterion at convergence: 1743.6", lines);
        Assert.Contains("-3.9536 -0.4634  0.0231  0.4634  5.1793", lines);
        Assert.Contains(" Groups   Name        Variance Std.Dev. Corr", lines);
        Assert.Contains("          Days         35.07    5.922   0.07", lines);
        Assert.Contains(" Residual             654.94   25.592", lines);
        Assert.Contains(lines, l => l.StartsWith(" Subject  (Intercept) 612.", StringComparison.Ordinal));
        Assert.Contains("Number of obs: 180, groups:  Subject, 18", lines);
        Assert.Contains("            Estimate Std. Error t value", lines);
        Assert.Contains("(Intercept)  251.405      6.825  36.838", lines);
        Assert.Contains("Days          10.467      1.546   6.771", lines);
        Assert.Contains("Days -0.138", lines);
        Assert.DoesNotContain("Pr(", o);
        Assert.DoesNotContain("AIC", o);
    }

    [Fact]
    public void Sleepstudy_Ml_PrintsTheAicTable()
    {
        var (code, o, err) = CliRunner.Run("fit", "--data", "sleepstudy", "--formula", SleepFormula, "--ml");
        Assert.True(code == 0, err);
        var lines = Lines(o);
        Assert.Equal("Linear mixed model fit by maximum likelihood  ['lmerMod']", lines[0]);
        Assert.Contains("  1763.9   1783.1   -876.0   1751.9      174", lines);   // lme4's ML fit
        Assert.DoesNotContain("REML", o);
    }

    [Fact]
    public void Quiet_WritesOnlyTheJson_AndRemlIsIgnoredWithANoteForGlmms()
    {
        string json = TempJson();
        var (code, o, err) = CliRunner.Run("fit", "--data", "cbpp", "--formula", CbppFormula, "--family", "binomial", "--reml", "--quiet", "--json", json);
        Assert.True(code == 0, err);
        Assert.Equal("", o);
        Assert.StartsWith("note: --reml is ignored for the binomial(logit) family", err);
        Assert.Single(Lines(err.TrimEnd()));
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("Laplace", doc.RootElement.GetProperty("method").GetString());
    }

    [Fact]
    public void SingularFit_PrintsTheBoundaryMessage()
    {
        // Every group holds the same residuals, so the between-group variance is estimated as 0.
        var e = new[] { 0.3, -1.2, 0.8, 0.1, -0.4, 1.5, -0.9, 0.2, -0.6, 0.7 };
        var csv = "y,x,g\n" + string.Concat(Enumerable.Range(0, 60).Select(i =>
            FormattableString.Invariant($"{1 + 2 * (i % 10) + e[(i % 10 + i / 10) % 10]},{i % 10},g{i / 10}\n")));
        var (code, o, err) = CliRunner.Run("fit", "--data", CliRunner.WriteCsv("sing.csv", csv), "--formula", "y ~ x + (1 | g)");
        Assert.True(code == 0, err);
        Assert.Contains(Lines(o), l => l.StartsWith("boundary (singular) fit", StringComparison.Ordinal));
        Assert.DoesNotContain("converged:", o);
    }

    [Fact]
    public void Json_NonFiniteNumbersAreNull()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), SleepFormula, new ModelFrameOptions());
        var fit = MixedModel.Fit(frame) with { Sigma = double.NaN, Beta = [double.PositiveInfinity, 1.5] };
        using var doc = JsonDocument.Parse(FitJson.Serialize(fit, "sleepstudy"));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("sigma").ValueKind);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("beta")[0].ValueKind);
        Assert.Equal(1.5, doc.RootElement.GetProperty("beta")[1].GetDouble());
    }

    private static void AssertOneLineError(string[] args, string fragment)
    {
        var (code, o, err) = CliRunner.Run(args);
        Assert.Equal(1, code);
        Assert.Equal("", o);
        var lines = Lines(err.TrimEnd('\n', '\r'));
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(fragment, lines[0]);
    }

    [Fact]
    public void UnknownFamily() => AssertOneLineError(
        ["fit", "--data", "cbpp", "--formula", CbppFormula, "--family", "negbin"], "unknown family 'negbin'");

    [Fact]
    public void RemlWithMl() => AssertOneLineError(
        ["fit", "--data", "sleepstudy", "--formula", SleepFormula, "--reml", "--ml"], "--reml and --ml exclude each other");

    [Fact]
    public void NoRandomEffects_FitsTheLinearModel()
    {
        // R 4.2.2: summary(lm(Reaction ~ Days, sleepstudy)): residual standard error 47.71 on 178 degrees of freedom.
        var (code, o, err) = CliRunner.Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days");
        Assert.True(code == 0, err);
        var lines = Lines(o);
        Assert.Equal("Linear model fit by REML (no random effects)", lines[0]);
        Assert.Contains("Residual standard error: 47.71 on 178 degrees of freedom", lines);
        Assert.Contains("Number of obs: 180, no random effects", lines);
        Assert.DoesNotContain("Random effects:", lines);
    }

    [Fact]
    public void NegativeNagq() => AssertOneLineError(
        ["fit", "--data", "cbpp", "--formula", CbppFormula, "--family", "binomial", "--nagq", "-2"], "--nagq -2");
}
