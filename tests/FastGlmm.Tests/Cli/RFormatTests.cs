using FastGlmm.Cli.Printing;
using FastGlmm.Model;

namespace FastGlmm.Tests.Cli;

/// <summary>The summary's R formatting helpers against outputs R and lme4 are known to print.</summary>
public class RFormatTests
{
    [Fact]
    public void PValues_AsRFormatPval()
    {
        // lme4's cbpp summary: 1.47e-09, 0.001068, 0.000474, 0.000182 (printCoefmat's digits = 3).
        Assert.Equal(["1.47e-09", "0.001068", "0.000474", "0.000182"],
            RFormat.FormatPValues([1.4709e-9, 0.0010678, 0.00047415, 0.00018188], 3));
        // Below eps: "<2e-16" beside short entries, "< 2e-16" beside a 7-character one.
        Assert.Equal(["<2e-16", "0.165", "0.787"], RFormat.FormatPValues([1e-20, 0.165, 0.787], 3));
        Assert.Equal(["< 2e-16", "0.771", "5.1e-05", "0.681"], RFormat.FormatPValues([1e-20, 0.771, 5.1e-5, 0.681], 3));
        // t.test's "p-value < 2.2e-16" (format.pval with digits = 4).
        Assert.Equal(["< 2.2e-16"], RFormat.FormatPValues([1e-30], 4));
    }

    [Fact]
    public void Abbreviate_AsR()
    {
        Assert.Equal(["(Intr)", "perid2", "TrtmnP", "GendrM", "Length"],
            RAbbreviate.Abbreviate(["(Intercept)", "period2", "TreatmentPo", "GenderM", "Length"], 6));
        // abbreviate(state.name): minlength 4.
        Assert.Equal(["Albm", "Gerg", "Hawa", "NwHm", "NrtC", "WstV"],
            RAbbreviate.Abbreviate(["Alabama", "Georgia", "Hawaii", "New Hampshire", "North Carolina", "West Virginia"], 4));
        Assert.Equal(["(Intercept)", "Days"], RAbbreviate.Abbreviate(["(Intercept)", "Days"], 11));
    }

    [Fact]
    public void Format_AsRFormat()
    {
        Assert.Equal(["612.10", " 35.07", "654.94"], RFormat.Format([612.100158, 35.07171445, 654.9400083], 4));
        Assert.Equal(["24.741", " 5.922", "25.592"], RFormat.Format([24.74065799, 5.922137659, 25.59179572], 4));
        Assert.Equal("1e+05", RFormat.Format(100000));
        Assert.Equal("123456", RFormat.Format(123456));
        Assert.Equal("1e-20", RFormat.Format(1e-20));
        Assert.Equal(["  -1", "   1", " NaN", "-Inf"], RFormat.Format([-1, 1, double.NaN, double.NegativeInfinity]));
        Assert.Equal(["0.000", "1.000"], RFormat.Format([-0.0, 1], 7, nsmall: 3));
        Assert.Equal([1.0, 2.5, 4.0], RFormat.Quantiles([4, 1, 2, 3], 0, 0.5, 1));
    }

    [Fact]
    public void TwoSidedNormalP()
    {
        Assert.Equal(0.05, FitSummaryWriter.TwoSidedNormalP(1.959963984540054), 12);
        Assert.InRange(FitSummaryWriter.TwoSidedNormalP(-6.048), 1.465e-9, 1.475e-9);
        // Full relative precision far in the tail: R's pnorm(-30) = 4.906713927148187e-198.
        Assert.Equal(1, FitSummaryWriter.TwoSidedNormalP(30) / (2 * 4.906713927148187e-198), 12);
    }

    [Fact]
    public void CoefficientTable_MatchesLme4_Cbpp()
    {
        // lme4 1.1-31's estimates and SEs for cbpp, and the lines its summary prints.
        double[] est = [-1.398342864, -0.991924975, -1.128216216, -1.579745414];
        double[] se = [0.2312140481, 0.3031506445, 0.3228301532, 0.4220491594];
        var z = est.Select((b, j) => b / se[j]).ToArray();
        var o = new StringWriter();
        CoefficientTable.Write(o, ["(Intercept)", "period2", "period3", "period4"], est, se, "z value", z,
            "Pr(>|z|)", z.Select(FitSummaryWriter.TwoSidedNormalP).ToArray());
        Assert.Equal(
        [
            "            Estimate Std. Error z value Pr(>|z|)",
            "(Intercept)  -1.3983     0.2312  -6.048 1.47e-09 ***",
            "period2      -0.9919     0.3032  -3.272 0.001068 **",
            "period3      -1.1282     0.3228  -3.495 0.000474 ***",
            "period4      -1.5797     0.4220  -3.743 0.000182 ***",
            "---",
            CoefficientTable.StarsLegend,
        ], o.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void RandomEffectsTable_MatchesLme4_Sleepstudy()
    {
        var o = new StringWriter();
        RandomEffectsTable.Write(o,
        [
            new VarCorrEntry("Subject", "(Intercept)", null, 612.100158, 24.74065799),
            new VarCorrEntry("Subject", "Days", null, 35.07171445, 5.922137659),
            new VarCorrEntry("Subject", "(Intercept)", "Days", 9.604408951, 0.06555123824),
            new VarCorrEntry("Residual", null, null, 654.9400083, 25.59179572),
        ], 4);
        Assert.Equal(
        [
            " Groups   Name        Variance Std.Dev. Corr",
            " Subject  (Intercept) 612.10   24.741",
            "          Days         35.07    5.922   0.07",
            " Residual             654.94   25.592",
        ], o.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')));
    }
    [Fact]
    public void RandomEffectsTable_StructuredTerms_PrintAsGlmmTmb()
    {
        // glmmTMB's formatVC: cs and ar1 show their one ρ and the structure on the term's first row, diag no correlation.
        var o = new StringWriter();
        RandomEffectsTable.Write(o,
        [
            new VarCorrEntry("id", "t1", null, 1.0, 1.0),
            new VarCorrEntry("id", "t2", null, 4.0, 2.0),
            new VarCorrEntry("id", "t3", null, 9.0, 3.0),
            new VarCorrEntry("id", "t1", "t2", 0.62, 0.31),
            new VarCorrEntry("id", "t1", "t3", 0.93, 0.31),
            new VarCorrEntry("id", "t2", "t3", 1.86, 0.31),
            new VarCorrEntry("id.1", "(Intercept)", null, 0.25, 0.5),
            new VarCorrEntry("id.1", "x", null, 0.04, 0.2),
            new VarCorrEntry("id.1", "(Intercept)", "x", 0, 0),
            new VarCorrEntry("Residual", null, null, 1.0, 1.0),
        ], 4,
        [
            new CovarianceStructureReport("id", "cs", ["t1", "t2", "t3"], [1, 2, 3], 0.3104),
            new CovarianceStructureReport("id.1", "diag", ["(Intercept)", "x"], [0.5, 0.2], null),
        ]);
        Assert.Equal(
        [
            " Groups   Name        Variance Std.Dev. Corr",
            " id       t1          1.00     1.0      0.31 (cs)",
            "          t2          4.00     2.0",
            "          t3          9.00     3.0",
            " id.1     (Intercept) 0.25     0.5",
            "          x           0.04     0.2",
            " Residual             1.00     1.0",
        ], o.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')));
    }
}
