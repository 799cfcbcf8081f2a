namespace FastGlmm.Tests.Cli;

/// <summary>Bad input gives one line on stderr naming the file, row, column or position; exit code 1; no stack trace.</summary>
public class CliErrorTests
{
    private static string AssertOneLineError(string[] args, params string[] fragments)
    {
        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(1, code);
        var lines = err.TrimEnd('\n', '\r').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("   at ", err);
        foreach (var f in fragments) Assert.Contains(f, lines[0]);
        return lines[0];
    }

    [Fact]
    public void MissingFile() =>
        AssertOneLineError(["describe", "--data", "/nonexistent/d.csv", "--formula", "y ~ x + (1|g)"],
            "/nonexistent/d.csv: file not found");

    [Fact]
    public void RaggedRow()
    {
        string p = CliRunner.WriteCsv("ragged.csv", "y,x,g\n1,2,a\n0,3\n1,4,b\n");
        AssertOneLineError(["describe", "--data", p, "--formula", "y ~ x + (1|g)"], "ragged.csv", "line 3", "expected 3 fields, found 2");
    }

    [Fact]
    public void NonNumericValueInNumericTerm()
    {
        string p = CliRunner.WriteCsv("typo.csv", "y,x,g\n1,2.5,a\n0,3.1,a\n1,4..2,b\n0,5,b\n1,6,c\n");
        AssertOneLineError(["describe", "--data", p, "--formula", "y ~ x + (1|g)", "--family", "binomial"],
            "position 5", "'4..2' at row 3");
    }

    [Fact]
    public void UnknownColumn_WithSuggestion() =>
        AssertOneLineError(["describe", "--data", "cbpp", "--formula", "cbind(incidence, size - incidence) ~ perod + (1 | herd)", "--family", "binomial"],
            "position 38", "unknown column 'perod'", "did you mean 'period'");

    [Fact]
    public void BinomialResponseOutsideUnitInterval() =>
        AssertOneLineError(["describe", "--data", "epil", "--formula", "y ~ trt + (1 | subject)", "--family", "binomial"],
            "epil, row 1", "response y = 5 is outside [0, 1]");

    [Fact]
    public void BinomialNegativeFailures() =>
        AssertOneLineError(["describe", "--data", "cbpp", "--formula", "cbind(incidence, incidence - size) ~ period + (1 | herd)", "--family", "binomial"],
            "cbpp, row 1", "failures < 0");

    [Fact]
    public void SingleLevelGroupingFactor()
    {
        string p = CliRunner.WriteCsv("one.csv", "y,x,g\n1,2,a\n0,3,a\n1,4,a\n");
        AssertOneLineError(["describe", "--data", p, "--formula", "y ~ x + (1|g)", "--family", "binomial"],
            "grouping factor 'g' has a single level");
    }

    [Fact]
    public void FormulaSyntaxError() =>
        AssertOneLineError(["describe", "--data", "cbpp", "--formula", "incidence ~ (period + (1 | herd)"],
            "formula error at position 13", "never closed");

    [Fact]
    public void UnknownFamily() =>
        AssertOneLineError(["describe", "--data", "cbpp", "--formula", "incidence ~ period + (1 | herd)", "--family", "negbin"],
            "unknown family 'negbin'");

    [Fact]
    public void LevelsNotInData()
    {
        var line = AssertOneLineError(["describe", "--data", "cbpp", "--formula", "incidence ~ period + (1 | herd)", "--family", "poisson",
            "--levels", "period=1,2,3"], "column 'period', row 4", "'4' is not among the given levels");
        Assert.Contains("cbpp", line);
    }

    [Fact]
    public void MissingRequiredOption_OneLineNamingTheCommandsHelp()
    {
        var (_, o, _) = CliRunner.Run(["fit", "--data", "cbpp"]);
        Assert.Equal("", o); // no help text dumped
        AssertOneLineError(["fit", "--data", "cbpp"], "Option '--formula' is required", "(fastglmm fit --help lists the options)");
    }

    [Fact]
    public void UnparsableOptionValue_SaysWhatWasExpected() =>
        AssertOneLineError(["bootstrap", "--data", "cbpp", "--formula", "y ~ 1", "-B", "3", "--seed", "-1"],
            "'-1' for option '--seed' as a non-negative integer", "fastglmm bootstrap --help");

    [Fact]
    public void UnknownCommand_OneLine() =>
        AssertOneLineError(["fitt"], "Unrecognized command or argument 'fitt'", "(fastglmm --help lists the commands)");
}
