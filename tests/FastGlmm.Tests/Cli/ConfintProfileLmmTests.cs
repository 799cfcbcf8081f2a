using System.Globalization;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// fastglmm fit --confint profile for a linear mixed model prints lme4's confint() table: rows .sig01, …, .sigma and
/// the fixed effects, against lme4 1.1-31 (tests/data/lmm_profile_reference.json).
/// </summary>
public class ConfintProfileLmmTests
{
    [Fact]
    public void Sleepstudy_RandomSlope_PrintsLme4Table()
    {
        var (code, o, err) = CliRunner.Run("fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)",
            "--confint", "profile");
        Assert.True(code == 0, err);
        Assert.Contains("note: profiling the ML deviance about the ML refit, as lme4's confint does for a REML fit", err);
        var lines = o.Replace("\r", "").Split('\n');
        int h = Array.IndexOf(lines, "Confidence intervals (profile, 95%):");
        Assert.True(h > 0, o);
        Assert.Equal(["2.5 %", "97.5 %"], lines[h + 1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var reference = TestData.Json("lmm_profile_reference.json").GetProperty("models").EnumerateArray()
            .First(m => m.GetProperty("id").GetString() == "sleepstudy_slope_reml").GetProperty("intervals").EnumerateArray().ToArray();
        // lme4: .sig01 14.3814 37.7160, .sig02 −0.4815 0.6850, .sig03 3.8012 8.7534, .sigma 22.8983 28.8580,
        // (Intercept) 237.6807 265.1295, Days 7.3587 13.5759; printed to 7 significant digits.
        for (int j = 0; j < reference.Length; j++)
        {
            var cells = lines[h + 2 + j].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(reference[j].GetProperty("name").GetString(), cells[0]);
            double lo = reference[j].GetProperty("lower").GetDouble(), hi = reference[j].GetProperty("upper").GetDouble();
            Assert.Equal(lo, double.Parse(cells[1], CultureInfo.InvariantCulture), 2e-4 * Math.Abs(lo));
            Assert.Equal(hi, double.Parse(cells[2], CultureInfo.InvariantCulture), 2e-4 * Math.Abs(hi));
        }
        Assert.Equal("", lines[h + 2 + reference.Length]);
    }

    [Fact]
    public void MlFit_HasNoRefitNote()
    {
        var (code, o, err) = CliRunner.Run("fit", "--data", "penicillin", "--formula", "diameter ~ 1 + (1 | plate) + (1 | sample)",
            "--ml", "--quiet", "--confint", "profile");
        Assert.True(code == 0, err);
        Assert.DoesNotContain("refit", err);
        Assert.Contains(".sig02", o);
        Assert.Contains(".sigma", o);
    }
}
