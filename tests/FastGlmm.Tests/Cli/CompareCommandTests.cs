namespace FastGlmm.Tests.Cli;

/// <summary>fastglmm compare: R's anova table and the PB-LRT line.</summary>
public class CompareCommandTests
{
    [Fact]
    public void Cbpp_Period_AnovaTable()
    {
        var (code, o, err) = CliRunner.Run("compare", "--data", "cbpp", "--family", "binomial",
            "--small", "cbind(incidence, size - incidence) ~ 1 + (1 | herd)",
            "--large", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "--pb", "50", "--seed", "3");
        Assert.True(code == 0, err);
        // lme4 1.1-31 anova(): npar 2 and 5, Chisq 25.61 on 3 df, p 1.151e-05.
        var large = o.Split('\n').Single(l => l.StartsWith("large "));
        Assert.Contains(" 5 ", large);
        Assert.Contains("25.61", large);
        Assert.Contains("1.151e-05 ***", large);
        Assert.Contains("Parametric bootstrap LRT (B = 50, seed 3): p = 0.01961 from 50 valid replicates (0 failed)", o);
    }

    [Theory]
    // glmmTMB 1.1.5 anova() (tests/data/rgen/compare_zi_reference.R): poisson against ~1 zero inflation, χ² 81.94 on 1 df,
    // p 1.403e-19; nbinom2 against ~x, χ² 1.834 on 2 df, p 0.3997.
    [InlineData("poisson", "~1", "81.94", " 1 ", "< 2.2e-16 ***")]
    [InlineData("nbinom2", "~x", "1.834", " 2 ", "0.3997")]
    public void ZeroInflation_AgainstNone_IsGlmmTmbsAnova(string family, string zi, string chisq, string df, string p)
    {
        var (code, o, err) = CliRunner.Run("compare", "--data", TestData.Path("extra", "structured_sim.csv"), "--family", family,
            "--small", "cnt ~ x + (1 | id)", "--large", "cnt ~ x + (1 | id)", "--large-ziformula", zi);
        Assert.True(code == 0, err);
        var large = o.Split('\n').Single(l => l.StartsWith("large "));
        Assert.Contains(chisq, large);
        Assert.Contains(df, large);
        Assert.Contains(p, large);
        Assert.Contains($"large: cnt ~ x + (1 | id), zi = {zi}", o);
    }

    [Fact]
    public void Reml_IsRefitByMl_WithANote()
    {
        var (code, _, err) = CliRunner.Run("compare", "--data", "sleepstudy",
            "--small", "Reaction ~ Days + (1 | Subject)", "--large", "Reaction ~ Days + (Days | Subject)");
        Assert.Equal(0, code);
        Assert.Contains("refitting with ML", err);
    }
}

/// <summary>fastglmm fit --confint prints R's confint() table.</summary>
public class ConfintOptionTests
{
    [Fact]
    public void Fit_ConfintProfile_PrintsTable()
    {
        var (code, o, err) = CliRunner.Run("fit", "--data", "cbpp", "--family", "binomial", "--quiet", "--confint", "profile",
            "--formula", "cbind(incidence, size - incidence) ~ period + (1 | herd)");
        Assert.True(code == 0, err);
        Assert.Contains("Confidence intervals (profile, 95%):", o);
        Assert.Contains(".sig01       0.34", o);
        Assert.Contains("period4     -2.50", o);
        var (bad, _, err2) = CliRunner.Run("fit", "--data", "cbpp", "--family", "binomial", "--quiet", "--confint", "bogus",
            "--formula", "cbind(incidence, size - incidence) ~ period + (1 | herd)");
        Assert.Equal(1, bad);
        Assert.Contains("--confint bogus: use profile or Wald", err2);
    }
}
