namespace FastGlmm.Tests.Cli;

/// <summary>
/// <c>compare</c> refuses likelihood-ratio tests that mean nothing: different responses, fixed effects that are not
/// nested, random-effects terms of the small model that the large one lacks; and still runs the nested ones.
/// </summary>
public class CompareRefusalTests
{
    private static (int Code, string Out, string Err) Compare(string small, string large) =>
        CliRunner.Run("compare", "--data", "sleepstudy", "--small", small, "--large", large);

    private static void AssertRefused((int Code, string Out, string Err) r, string expected)
    {
        Assert.Equal(1, r.Code);
        Assert.Equal("", r.Out);
        Assert.Contains("error: " + expected, r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
    }

    [Fact]
    public void DifferentResponses_AreRefused() =>
        AssertRefused(Compare("Reaction ~ 1 + (1 | Subject)", "Days ~ 1 + (Days | Subject)"),
            "the models have different responses (Reaction and Days)");

    [Fact]
    public void FixedEffectsNotNested_AreRefused() =>
        AssertRefused(Compare("Reaction ~ Days + (1 | Subject)", "Reaction ~ I(Days^2) + (Days | Subject)"),
            "the models are not nested: the small model's fixed effect Days is not in the column space of the large model's ((Intercept), I(Days^2))");

    [Fact]
    public void RandomTermsNotNested_AreRefused() =>
        AssertRefused(Compare("Reaction ~ 1 + (Days | Subject)", "Reaction ~ Days + I(Days^2) + I(Days^3) + (1 | Subject)"),
            "the models are not nested: the small model's random term (1 + Days | Subject) has no counterpart in the large model");

    [Fact]
    public void NestedModels_StillCompare()
    {
        // A reparameterized factor is nested too: its columns span the same space.
        var (code, o, err) = Compare("Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", "Reaction ~ Days + I(Days^2) + (Days | Subject)");
        Assert.True(code == 0, err);
        Assert.Contains("Pr(>Chisq)", o, StringComparison.Ordinal);
    }
}
