using CsCheck;
using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Formula;

namespace FastGlmm.Tests.Properties;

/// <summary>
/// Property-based tests of the formula parser and the model frame (CsCheck generators, fixed seeds): over 20,000
/// generated formulas, parsing and building the design on sleepstudy either succeed or end in a one-line
/// <see cref="UserInputException"/>, and the result does not depend on the spacing between tokens.
/// </summary>
public class FormulaPropertyTests
{
    private static readonly DataTable Sleep = BuiltInDatasets.Load("sleepstudy");

    // What a formula means, as far as the model frame is concerned; or the error it raises.
    private static string Outcome(string text)
    {
        try
        {
            var f = ModelFormula.Parse(text);
            string meaning = $"{f.Response?.Deparse()} ~ {f.Fixed} | offsets {string.Join(",", f.Offsets.Select(o => o.Deparse()))} | " +
                string.Join(" + ", f.RandomTerms.Select(r => r.ToString()));
            try
            {
                var frame = ModelFrame.Build(Sleep, f, new ModelFrameOptions());
                return meaning + $" => {frame.X.ColumnNames.Count} fixed columns, {frame.RandomTerms.Count} random terms";
            }
            catch (UserInputException e)
            {
                PropertyCheck.AssertOneLine(e.Message);
                return meaning + " => frame error";
            }
        }
        catch (FormulaException e)
        {
            PropertyCheck.AssertOneLine(e.Message);
            Assert.Contains("position", e.Message);
            return "parse error";
        }
    }

    [Fact]
    public void AnyFormula_ParsesAndBuildsOrFailsWithOneLine()
    {
        int parsed = 0, built = 0;
        PropertyCheck.ForAll(FormulaGen.Any, 20_000, seed: 20261202, tokens =>
        {
            string o = Outcome(string.Join(" ", tokens));
            if (o != "parse error") parsed++;
            if (o.Contains("fixed columns")) built++;
        }, tokens => string.Join(" ", tokens));
        // The generators must reach the frame builder and fitted designs often, or the property says little.
        Assert.True(parsed > 2000, $"{parsed} formulas parsed, {built} frames built");
        Assert.True(built > 1000, $"{built} frames built");
    }

    [Fact]
    public void Spacing_DoesNotChangeTheMeaning()
    {
        var gen = Gen.Select(FormulaGen.Formula, Gen.OneOf(" ", "  ", "\t", " \n ").Array[60]);
        PropertyCheck.ForAll(gen, 3_000, seed: 7, x =>
        {
            var (tokens, gaps) = x;
            string plain = string.Join(" ", tokens);
            string spaced = string.Concat(tokens.Select((t, i) => gaps[i % gaps.Length] + t));
            string a = Outcome(plain), b = Outcome(spaced);
            // Error messages quote the text, so compare what parsed, and that both failed at the same stage.
            Assert.Equal(a, b);
        }, x => string.Join(" ", x.Item1));
    }
}
