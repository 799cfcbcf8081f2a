using System.Text.Json;

namespace FastGlmm.Tests.Cli;

/// <summary>fastglmm fit --method mcml: the summary's Monte Carlo section, the JSON, and bad options.</summary>
public class McmlCommandTests
{
    private const string Formula = "y ~ trt + I(week > 2) + (1 | ID)";

    [Fact]
    public void Bacteria_SummaryAndJsonCarryTheMonteCarloSection()
    {
        string json = Path.Combine(Path.GetDirectoryName(CliRunner.WriteCsv("unused.csv", ""))!, "mcml.json");
        var (code, o, err) = CliRunner.Run("fit", "--data", "bacteria", "--formula", Formula, "--family", "binomial",
            "--method", "mcml", "--m", "2000", "--seed", "7", "--json", json);
        Assert.True(code == 0, err);
        var lines = o.Replace("\r", "").Split('\n');
        Assert.Equal("Generalized linear mixed model fit by maximum likelihood (Monte Carlo Likelihood Approximation, m = 2000 per block) ['glmerMod']", lines[0]);
        Assert.Contains(lines, l => l.StartsWith(" 50 blocks, m = 2000 draws per block (100000 in all), seed 7", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ID.(Intercept) (variance)", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var mc = doc.RootElement.GetProperty("monte_carlo");
        Assert.Equal(2000, mc.GetProperty("draws_per_block").GetInt32());
        Assert.Equal(7UL, mc.GetProperty("seed").GetUInt64());
        Assert.Equal(50, mc.GetProperty("effective_sample_sizes").GetArrayLength());
        double llMcse = mc.GetProperty("log_lik_mcse").GetDouble();
        Assert.InRange(llMcse, 1e-4, 0.1);
        var beta0 = mc.GetProperty("parameters")[0];
        Assert.Equal("(Intercept)", beta0.GetProperty("name").GetString());
        Assert.Equal(doc.RootElement.GetProperty("beta")[0].GetDouble(), beta0.GetProperty("estimate").GetDouble());
        Assert.Equal(doc.RootElement.GetProperty("beta_se")[0].GetDouble(), beta0.GetProperty("standard_error").GetDouble());
        // bacteria's AGQ(15) log-likelihood (lme4) is −95.897; the MCLA agrees to within its Monte Carlo error.
        double ll = doc.RootElement.GetProperty("log_lik").GetDouble();
        Assert.InRange(ll, -95.897 - 4 * llMcse - 0.01, -95.897 + 4 * llMcse + 0.01);
    }

    [Theory]
    [InlineData("--method", "mcmc", "--method mcmc: unknown method")]
    [InlineData("--m", "5000", "--m applies only to --method mcml")]
    public void BadMethodOptions_OneLineError(string option, string value, string expected)
    {
        var (code, _, err) = CliRunner.Run("fit", "--data", "bacteria", "--formula", Formula, "--family", "binomial", option, value);
        Assert.Equal(1, code);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
    }

    [Theory]
    [InlineData("gaussian", "Reaction ~ Days + (1 | Subject)", "sleepstudy", "supports binomial(logit) and poisson(log)")]
    [InlineData("binomial(cloglog)", Formula, "bacteria", "not binomial(cloglog)")]
    public void UnsupportedFamily_OneLineError(string family, string formula, string data, string expected)
    {
        var (code, _, err) = CliRunner.Run("fit", "--data", data, "--formula", formula, "--family", family, "--method", "mcml");
        Assert.Equal(1, code);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void NagqWithMcml_IsRefused()
    {
        var (code, _, err) = CliRunner.Run("fit", "--data", "bacteria", "--formula", Formula, "--family", "binomial", "--method", "mcml", "--nagq", "5");
        Assert.Equal(1, code);
        Assert.Contains("--nagq and --method mcml exclude each other", err);
    }
}
