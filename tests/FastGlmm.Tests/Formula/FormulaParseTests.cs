using FastGlmm.Formula;

namespace FastGlmm.Tests.Formula;

/// <summary>Term algebra and naming, checked against R's terms.formula and lme4's findbars.</summary>
public class FormulaParseTests
{
    private static string Fixed(string f)
    {
        var m = ModelFormula.Parse(f);
        return (m.Fixed.HasIntercept ? "1" : "0") + "|" + string.Join(",", m.FixedTermLabels);
    }

    [Theory]
    [InlineData("y ~ x", "1|x")]
    [InlineData("y ~ 1", "1|")]
    [InlineData("y ~ 0 + x", "0|x")]
    [InlineData("y ~ x - 1", "0|x")]
    [InlineData("y ~ -1 + x", "0|x")]
    [InlineData("y ~ 1 + x", "1|x")]
    [InlineData("y ~ 0 + x + 1", "1|x")]
    [InlineData("y ~ x + 0", "0|x")]
    [InlineData("y ~ a:b", "1|a:b")]
    [InlineData("y ~ b:a + a", "1|a,b:a")]
    [InlineData("y ~ a + b:a", "1|a,a:b")]
    [InlineData("y ~ a * b", "1|a,b,a:b")]
    [InlineData("y ~ a * b * c", "1|a,b,c,a:b,a:c,b:c,a:b:c")]
    [InlineData("y ~ (a + b + c)^2", "1|a,b,c,a:b,a:c,b:c")]
    [InlineData("y ~ (a + b + c)^3 - a:b:c", "1|a,b,c,a:b,a:c,b:c")]
    [InlineData("y ~ a/b", "1|a,a:b")]
    [InlineData("y ~ (a + b)/c", "1|a,b,a:b:c")]
    [InlineData("y ~ a/b/c", "1|a,a:b,a:b:c")]
    [InlineData("y ~ b %in% a", "1|b:a")]
    [InlineData("y ~ a + a", "1|a")]
    [InlineData("y ~ a:b + b:a", "1|a:b")]
    [InlineData("y ~ a*b - a", "1|b,a:b")]
    [InlineData("y ~ lbase * trt + lage + V4", "1|lbase,trt,lage,V4,lbase:trt")]
    [InlineData("y ~ week + trt:week", "1|week,week:trt")]
    [InlineData("y ~ hilo:ap + week", "1|week,hilo:ap")]
    [InlineData("y ~ log(x) + I(x^2)", "1|log(x),I(x^2)")]
    [InlineData("y ~ I(week>2)", "1|I(week > 2)")]
    [InlineData("y ~ exp(size/100) + abs(size-10) + sqrt(size)", "1|exp(size/100),abs(size - 10),sqrt(size)")]
    [InlineData("y ~ factor(period) * trt", "1|factor(period),trt,factor(period):trt")]
    [InlineData("y ~ I(x * 2 + 1)", "1|I(x * 2 + 1)")]
    [InlineData("y ~ I((a + b) * c)", "1|I((a + b) * c)")]
    [InlineData("y ~ I(-x)", "1|I(-x)")]
    [InlineData("y ~ I(x > 100000)", "1|I(x > 1e+05)")]
    [InlineData("y ~ I(x >= 10000) + I(x == 0.5)", "1|I(x >= 10000),I(x == 0.5)")]
    [InlineData("y ~ `my var` + x", "1|`my var`,x")]
    [InlineData("y ~ x + offset(log(n))", "1|x")]
    [InlineData("y ~ x + (1 | g)", "1|x")]
    [InlineData("y ~ (x)", "1|x")]
    [InlineData("y ~ x | g", "1|")] // the whole right-hand side is the random-effects term (lme4's nobars gives y ~ 1)
    public void FixedTerms_MatchR(string formula, string expected) => Assert.Equal(expected, Fixed(formula));

    [Theory]
    [InlineData("y ~ (1 | g)", "(1 | g)")]
    [InlineData("y ~ (x | g)", "(1 + x | g)")]
    [InlineData("y ~ (1 + x | g)", "(1 + x | g)")]
    [InlineData("y ~ (0 + x | g)", "(0 + x | g)")]
    [InlineData("y ~ (x - 1 | g)", "(0 + x | g)")]
    [InlineData("y ~ (x || g)", "(1 | g);(0 + x | g)")]
    [InlineData("y ~ (x + z || g)", "(1 | g);(0 + x | g);(0 + z | g)")]
    [InlineData("y ~ (0 + x + z || g)", "(0 + x | g);(0 + z | g)")]
    [InlineData("y ~ (1 | g1/g2)", "(1 | g2:g1);(1 | g1)")]
    [InlineData("y ~ (1 | g1:g2)", "(1 | g1:g2)")]
    [InlineData("y ~ (1 | a) + (1 | b)", "(1 | a);(1 | b)")]
    [InlineData("y ~ x + (Days | Subject) + (1 | Item)", "(1 + Days | Subject);(1 | Item)")]
    [InlineData("y ~ (1 + I(x^2) | g)", "(1 + I(x^2) | g)")]
    [InlineData("Yield ~ 1|Batch", "(1 | Batch)")] // '|' binds loosest: lme4 reads a bar without parentheses
    [InlineData("y ~ x + 1 | g", "(1 + x | g)")]
    [InlineData("y ~ x || g", "(1 | g);(0 + x | g)")]
    public void RandomTerms_MatchLme4Expansion(string formula, string expected)
    {
        var m = ModelFormula.Parse(formula);
        Assert.Equal(expected, string.Join(";", m.RandomTerms.Select(r => r.ToString())));
    }

    [Fact]
    public void UncorrelatedTerms_AreFlagged()
    {
        var m = ModelFormula.Parse("y ~ (x || g) + (z | h)");
        Assert.Equal([true, true, false], m.RandomTerms.Select(r => r.Uncorrelated));
    }

    [Fact]
    public void Response_IsKeptAsExpression()
    {
        var m = ModelFormula.Parse("cbind(incidence, size-incidence) ~ period + (1|herd)");
        Assert.Equal("cbind(incidence, size - incidence)", m.Response!.Deparse());
        Assert.Equal("1|period", Fixed(m.Text));
    }

    [Fact]
    public void OneSidedFormula_HasNoResponse()
    {
        var m = ModelFormula.Parse("~ x + (1 | g)");
        Assert.Null(m.Response);
        Assert.Single(m.RandomTerms);
    }

    [Fact]
    public void Offsets_AreCollected()
    {
        var m = ModelFormula.Parse("y ~ x + offset(log(n)) + offset(z)");
        Assert.Equal(["offset(log(n))", "offset(z)"], m.Offsets.Select(o => o.Deparse()));
    }

    [Theory]
    [InlineData(100000.0, "1e+05")]
    [InlineData(10000.0, "10000")]
    [InlineData(0.5, "0.5")]
    [InlineData(123456.0, "123456")]
    [InlineData(1e-10, "1e-10")]
    [InlineData(0.0001, "1e-04")]
    [InlineData(0.001, "0.001")]
    [InlineData(4.5, "4.5")]
    public void Numbers_DeparseAsR(double value, string expected) => Assert.Equal(expected, NumberExpr.FormatR(value));
}
