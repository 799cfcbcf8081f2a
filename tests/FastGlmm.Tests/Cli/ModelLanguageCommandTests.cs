using System.Text.Json;

namespace FastGlmm.Tests.Cli;

/// <summary>--offset, --contrasts and --contrasts-file on the command line: the same model as the formula's own syntax.</summary>
public class ModelLanguageCommandTests
{
    private static JsonElement FitJson(params string[] args)
    {
        string json = CliRunner.TempPath("fit.json");
        var (code, _, err) = CliRunner.Run([.. args, "--json", json, "--quiet"]);
        Assert.True(code == 0, err);
        return JsonDocument.Parse(File.ReadAllText(json)).RootElement;
    }

    [Fact]
    public void OffsetOption_IsTheFormulasOffset()
    {
        var a = FitJson("fit", "--data", "cbpp", "--formula", "incidence ~ period + (1 | herd)", "--family", "poisson", "--offset", "log(size)");
        var b = FitJson("fit", "--data", "cbpp", "--formula", "incidence ~ period + (1 | herd) + offset(log(size))", "--family", "poisson");
        Assert.Equal(b.GetProperty("log_lik").GetDouble(), a.GetProperty("log_lik").GetDouble());
        Assert.Equal(b.GetProperty("beta").ToString(), a.GetProperty("beta").ToString());
    }

    [Fact]
    public void ContrastsOptionAndFile_CodeTheFactor()
    {
        string[] model = ["fit", "--data", "cbpp", "--formula", "cbind(incidence, size - incidence) ~ period", "--family", "binomial"];
        var a = FitJson([.. model, "--contrasts", "period=contr.sum"]);
        string file = CliRunner.TempPath("contrasts.json");
        File.WriteAllText(file, """{"contrasts": {"period": "sum"}}""");
        var b = FitJson([.. model, "--contrasts-file", file]);
        Assert.Equal(["(Intercept)", "period1", "period2", "period3"], a.GetProperty("beta_names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(a.GetProperty("beta").ToString(), b.GetProperty("beta").ToString());
        // R: glm(…, contrasts = list(period = "contr.sum")): period1 = 1.0636116736
        Assert.Equal(1.0636116736, a.GetProperty("beta")[1].GetDouble(), 1e-8);
        var (code, _, err) = CliRunner.Run([.. model, "--contrasts", "period"]);
        Assert.Equal(1, code);
        Assert.Equal("error: --contrasts 'period': expected column=kind, kind one of treatment, sum, helmert, sdif, poly", err.Trim());
    }
}
