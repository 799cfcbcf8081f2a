using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Formula;

namespace FastGlmm.Tests.Frame;

/// <summary>In-memory columns, NA handling, responses and clear errors for bad input.</summary>
public class FrameInputTests
{
    private static readonly ModelFrameOptions Binomial = new() { Family = FamilySpec.Parse("binomial") };
    private static readonly ModelFrameOptions Poisson = new() { Family = FamilySpec.Parse("poisson") };

    private static DataTable Table(double[] y, double[] x, string[] g, string source = "mem") => new([
        new NumericColumn("y", y), new NumericColumn("x", x), FactorColumn.FromLabels("g", g)], source);

    [Fact]
    public void CompleteCases_DropRowsWithNAInUsedVariablesOnly()
    {
        var t = new DataTable([
            new NumericColumn("y", [1, 0, double.NaN, 1, 0, 1]),
            new NumericColumn("x", [0.5, double.NaN, 1, 2, 3, 4]),
            new NumericColumn("unused", [double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN]),
            FactorColumn.FromLabels("g", ["a", "a", "b", "b", null, "a"]),
        ]);
        var f = ModelFrame.Build(t, "y ~ x + (1 | g)", Binomial);
        Assert.Equal(3, f.RowCount);
        Assert.Equal(3, f.DroppedRowCount);
        Assert.Contains("3 of 6 rows dropped", f.Messages[0]);
        Assert.Equal([0, 5, 3], f.InputRow.ToArray());
    }

    [Fact]
    public void BinomialResponses_FactorLogicalAndCbind()
    {
        var t = new DataTable([
            FactorColumn.FromLabels("yes", ["no", "yes", "yes", "no"], ["no", "yes"]),
            LogicalColumn.FromBools("ok", [true, false, true, true]),
            new NumericColumn("s", [1, 2, 0, 3]), new NumericColumn("n", [4, 2, 5, 3]),
            FactorColumn.FromLabels("g", ["a", "a", "b", "b"]),
        ]);
        var f1 = ModelFrame.Build(t, "yes ~ 1 + (1 | g)", Binomial);
        Assert.Equal([0.0, 1, 1, 0], f1.Response.Y.ToArray());
        var f2 = ModelFrame.Build(t, "ok ~ 1 + (1 | g)", Binomial);
        Assert.Equal([1.0, 0, 1, 1], f2.Response.Y.ToArray());
        var f3 = ModelFrame.Build(t, "cbind(s, n - s) ~ 1 + (1 | g)", Binomial);
        Assert.Equal([0.25, 1, 0, 1], f3.Response.Y.ToArray());
        Assert.Equal([4.0, 2, 5, 3], f3.Response.Weights.ToArray());
    }

    [Fact]
    public void Binomial_OutsideUnitInterval_NamesRow()
    {
        var t = Table([0, 1, 2, 1], [1, 2, 3, 4], ["a", "a", "b", "b"], "trial.csv");
        var e = Assert.Throws<UserInputException>(() => ModelFrame.Build(t, "y ~ x + (1 | g)", Binomial));
        Assert.Equal("trial.csv, row 3: response y = 2 is outside [0, 1]; give counts as cbind(successes, failures)", e.Message);
    }

    [Fact]
    public void Binomial_NegativeFailures_NamesRow()
    {
        var t = new DataTable([new NumericColumn("s", [1, 5]), new NumericColumn("n", [3, 4]), FactorColumn.FromLabels("g", ["a", "b"])], "d.csv");
        var e = Assert.Throws<UserInputException>(() => ModelFrame.Build(t, "cbind(s, n - s) ~ 1 + (1 | g)", Binomial));
        Assert.StartsWith("d.csv, row 2: response cbind(s, n - s) has failures < 0", e.Message);
    }

    [Fact]
    public void Poisson_NegativeIsError_NonIntegerWarns()
    {
        var t = Table([1, 2.5, 3, 0], [1, 2, 3, 4], ["a", "a", "b", "b"]);
        var f = ModelFrame.Build(t, "y ~ x + (1 | g)", Poisson);
        Assert.Contains(f.Messages, m => m.Contains("non-integer counts") && m.Contains("row 2"));
        var bad = Table([1, -1, 3, 0], [1, 2, 3, 4], ["a", "a", "b", "b"]);
        var e = Assert.Throws<UserInputException>(() => ModelFrame.Build(bad, "y ~ x + (1 | g)", Poisson));
        Assert.Contains("row 2", e.Message);
    }

    [Fact]
    public void Gamma_NonPositiveIsError()
    {
        var t = Table([1, 0, 3, 2], [1, 2, 3, 4], ["a", "a", "b", "b"]);
        var e = Assert.Throws<UserInputException>(() =>
            ModelFrame.Build(t, "y ~ x + (1 | g)", new ModelFrameOptions { Family = FamilySpec.Parse("Gamma(log)") }));
        Assert.Contains("row 2", e.Message);
        Assert.Contains("positive", e.Message);
    }

    [Fact]
    public void UnknownColumn_SuggestsClosestNames()
    {
        var t = Table([1, 0, 1, 0], [1, 2, 3, 4], ["a", "a", "b", "b"]);
        var e = Assert.Throws<FormulaException>(() => ModelFrame.Build(t, "y ~ xx + (1 | gg)", Binomial));
        Assert.Equal(4, e.Start);
        Assert.Contains("unknown column 'xx'", e.Message);
        Assert.Contains("did you mean 'x'", e.Message);
    }

    [Fact]
    public void SingleLevelGroupingFactor_IsError()
    {
        var t = Table([1, 0, 1, 0], [1, 2, 3, 4], ["a", "a", "a", "a"]);
        var e = Assert.Throws<FormulaException>(() => ModelFrame.Build(t, "y ~ x + (1 | g)", Binomial));
        Assert.Contains("grouping factor 'g' has a single level ('a')", e.Message);
    }

    [Fact]
    public void TooManyRandomEffects_IsError()
    {
        var t = Table([1, 0, 1, 0], [1, 2, 3, 4], ["a", "a", "b", "b"]);
        var e = Assert.Throws<FormulaException>(() => ModelFrame.Build(t, "y ~ 1 + (x + I(x^2) | g)", Binomial));
        Assert.Contains("2 levels × 3 columns = 6 random effects for 4 observations", e.Message);
    }

    [Fact]
    public void NaNFromExpression_IsErrorNamingRow()
    {
        var t = Table([1, 0, 1, 0], [1, -2, 3, 4], ["a", "a", "b", "b"]);
        var e = Assert.Throws<FormulaException>(() => ModelFrame.Build(t, "y ~ log(x) + (1 | g)", Binomial));
        Assert.Contains("'log(x)' is NaN at row 2 of mem (x = -2)", e.Message);
    }

    [Fact]
    public void ArithmeticOnFactor_IsError()
    {
        var t = Table([1, 0, 1, 0], [1, 2, 3, 4], ["a", "a", "b", "b"]);
        var e = Assert.Throws<FormulaException>(() => ModelFrame.Build(t, "y ~ I(g * 2) + (1 | g)", Binomial));
        Assert.Contains("'g' is a factor; arithmetic needs a numeric column", e.Message);
    }

    [Fact]
    public void MostlyNumericTextColumn_PointsAtTheBadValue()
    {
        var t = new DataTable([
            new NumericColumn("y", [1, 0, 1, 0, 1]),
            FactorColumn.FromLabels("x", ["1.5", "2", "abc", "4", "5"]),
            FactorColumn.FromLabels("g", ["a", "a", "b", "b", "b"]),
        ], "d.csv");
        var e = Assert.Throws<FormulaException>(() => ModelFrame.Build(t, "y ~ x + (1 | g)", Binomial));
        Assert.Contains("holds the non-numeric value 'abc' at row 3 of d.csv", e.Message);
    }

    [Fact]
    public void DeclaredLevels_WithNumericLookingLabels_AreAFactor()
    {
        // Contraception's livch has levels 0, 1, 2, 3+: a real factor once its levels are declared.
        string[] lv = ["0", "1", "2", "3+"];
        var t = new DataTable([
            new NumericColumn("y", [1, 0, 1, 0, 1, 0]),
            FactorColumn.FromLabels("livch", ["0", "1", "2", "3+", "1", "0"], lv),
            FactorColumn.FromLabels("g", ["a", "a", "b", "b", "c", "c"]),
        ], "d.csv");
        var f = ModelFrame.Build(t, "y ~ livch + (1 | g)", Binomial);
        Assert.Equal(["(Intercept)", "livch1", "livch2", "livch3+"], f.X.ColumnNames);
    }

    [Fact]
    public void Weights_MultiplyTrials()
    {
        var t = new DataTable([
            new NumericColumn("y", [0.5, 1, 0, 0.25]), new NumericColumn("n", [2, 1, 3, 4]),
            FactorColumn.FromLabels("g", ["a", "a", "b", "b"]),
        ]);
        var f = ModelFrame.Build(t, "y ~ 1 + (1 | g)", Binomial with { WeightsColumn = "n" });
        Assert.Equal([2.0, 1, 3, 4], f.Response.Weights.ToArray());
        Assert.Empty(f.Messages);
    }

    [Fact]
    public void LevelOrder_SetsReferenceLevel()
    {
        var t = new DataTable([
            new NumericColumn("y", [1, 2, 3, 4, 5, 6]),
            FactorColumn.FromLabels("trt", ["drug", "placebo", "drug+", "placebo", "drug", "drug+"]),
            FactorColumn.FromLabels("g", ["a", "a", "b", "b", "c", "c"]),
        ]);
        Assert.Equal(["(Intercept)", "trtdrug+", "trtplacebo"], ModelFrame.Build(t, "y ~ trt + (1 | g)").X.ColumnNames);
        var relevelled = t.WithLevels(new Dictionary<string, IReadOnlyList<string>> { ["trt"] = ["placebo", "drug", "drug+"] });
        Assert.Equal(["(Intercept)", "trtdrug", "trtdrug+"], ModelFrame.Build(relevelled, "y ~ trt + (1 | g)").X.ColumnNames);
    }

    [Fact]
    public void DefaultLevelOrder_NumericLabelsSortNumerically()
    {
        Assert.Equal(["2", "10", "100"], FactorColumn.DefaultLevelOrder(["10", "100", "2"]));
        Assert.Equal(["B", "a", "b"], FactorColumn.DefaultLevelOrder(["b", "a", "B"]));
    }
}
