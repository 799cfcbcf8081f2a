using FastGlmm.Formula;

namespace FastGlmm.Tests.Formula;

/// <summary>
/// Hostile formulas end in a one-line error, never a stack overflow or a hang: nesting and length limits, powers
/// larger than the number of variables (which add no terms), and error messages that show at most 60 characters on
/// each side of the marked place.
/// </summary>
public class FormulaLimitTests
{
    [Theory]
    [InlineData("(", "Days", ")")]
    [InlineData("I(", "Days", ")")]
    [InlineData("+", "Days", "")]
    public void DeepNesting_IsAnError(string open, string inner, string close)
    {
        string deep = string.Concat(Enumerable.Repeat(open, 15_000)) + inner + string.Concat(Enumerable.Repeat(close, 15_000));
        var e = Assert.Throws<FormulaException>(() => ModelFormula.Parse("y ~ " + deep));
        Assert.Matches("at most 5000 are accepted|nests more than 200 levels", e.Message);
        Assert.True(e.Message.Length < 400, e.Message.Length.ToString());
        string moderate = string.Concat(Enumerable.Repeat(open, 250)) + inner + string.Concat(Enumerable.Repeat(close, 250));
        Assert.Contains("nests more than 200 levels", Assert.Throws<FormulaException>(() => ModelFormula.Parse("y ~ " + moderate)).Message);
    }

    [Fact]
    public void NestingWithinTheLimit_Parses()
    {
        var f = ModelFormula.Parse("y ~ " + new string('(', 100) + "x" + new string(')', 100) + " + (1 | g)");
        Assert.Equal(["x"], f.FixedTermLabels);
    }

    [Fact]
    public void HugePowers_AddNoTermsBeyondTheVariables()
    {
        var f = ModelFormula.Parse("y ~ (a + b + c)^2147483647");
        Assert.Equal(ModelFormula.Parse("y ~ (a + b + c)^3").FixedTermLabels, f.FixedTermLabels);
        Assert.Equal(7, f.FixedTermLabels.Count());
    }
}
