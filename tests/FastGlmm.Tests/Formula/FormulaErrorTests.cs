using FastGlmm.Formula;

namespace FastGlmm.Tests.Formula;

/// <summary>Every formula error names a 1-based position, marks the text and says what is wrong.</summary>
public class FormulaErrorTests
{
    [Theory]
    [InlineData("y ~ (x + z", 5, "'(' is never closed")]
    [InlineData("y ~ x + z)", 10, "')' has no matching '('")]
    [InlineData("y ~ log(x", 8, "'(' is never closed")]
    [InlineData("y ~ foo(x)", 5, "unknown function 'foo'")]
    [InlineData("y ~ I(bar(x))", 7, "unknown function 'bar'")]
    [InlineData("y ~ lo(Days, 2)", 5, "unknown function 'lo'")]
    [InlineData("y ~ ", 3, "empty right-hand side")]
    [InlineData("y ~ x +", 7, "missing its right-hand operand")]
    [InlineData("", 1, "the formula is empty")]
    [InlineData("y + x", 1, "needs '~'")]
    [InlineData("y ~ (1 | g) | h", 5, "can only be added to the formula with '+'")]
    [InlineData("y ~ x:(1 | g)", 7, "can only be added to the formula with '+'")]
    [InlineData("y ~ 2 + x", 5, "the number 2 is not a term")]
    [InlineData("y ~ .", 5, "'.' (all other columns) is not supported")]
    [InlineData("y ~ (a + b)^1.5", 13, "positive whole number")]
    [InlineData("y ~ offset(a, b)", 5, "offset() takes 1 argument")]
    [InlineData("y ~ cbind(a, b)", 5, "only allowed as the response")]
    [InlineData("y ~ (1 | log(g))", 10, "grouping factor must be a column")]
    [InlineData("y ~ (0 | g)", 6, "has no columns")]
    [InlineData("y ~ x > 2", 5, "wrap arithmetic and comparisons in I()")]
    [InlineData("y ~ x $ z", 7, "unexpected character '$'")]
    [InlineData("y ~ `x", 5, "unterminated backquoted name")]
    [InlineData("y ~ x ~ z", 1, "only one '~'")]
    [InlineData("y ~ ()", 5, "empty parentheses")]
    [InlineData("y ~ log()", 5, "log() takes 1 argument")]
    [InlineData("y ~ I(a:b)", 7, "sequence operator")]
    [InlineData("y ~ \"x\"", 5, "a string is not a term")]
    [InlineData("y ~ factor(log(x))", 12, "factor() takes a column name")]
    [InlineData("y ~ x + offset(z) : w", 9, "offset() must be added")]
    public void Errors_NamePositionAndProblem(string formula, int position, string problem)
    {
        var e = Assert.Throws<FormulaException>(() => ModelFormula.Parse(formula));
        Assert.Contains(problem, e.Message);
        Assert.Equal(position, e.Start + 1);
        Assert.StartsWith($"formula error at position {position}:", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Error_MarksTheOffendingText()
    {
        var e = Assert.Throws<FormulaException>(() => ModelFormula.Parse("y ~ x + foo(z) + w"));
        Assert.EndsWith("in: y ~ x + >>foo<<(z) + w", e.Message);
    }
}
