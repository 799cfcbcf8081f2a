namespace FastGlmm.Tests.Cli;

/// <summary>
/// Huge or extreme user input gets a short one-line error: long CSV fields and names are cut in messages, replicate
/// counts beyond what one run can hold are refused before any work, and confidence levels whose normal quantile is
/// infinite in fp64 are refused.
/// </summary>
public class LongInputTests
{
    private const string Cbpp = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

    private static string OneLineError(string[] args)
    {
        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(1, code);
        string[] lines = err.TrimEnd('\n', '\r').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        return lines[0];
    }

    [Fact]
    public void FiveMegabyteField_IsCutInTheMessage()
    {
        string big = new('q', 5_000_000);
        string p = CliRunner.WriteCsv("big.csv", $"y,x,g\n1,2,a\n0,{big},b\n1,3,a\n0,4,b\n");
        string line = OneLineError(["describe", "--data", p, "--formula", "y ~ x + (1|g)", "--family", "binomial"]);
        Assert.True(line.Length < 400, $"{line.Length} characters");
        Assert.Contains("(5000000 characters)", line);
        Assert.Contains("row 2", line);
    }

    [Fact]
    public void FiveMegabyteColumnName_IsCutInTheMessage()
    {
        string big = new('c', 5_000_000);
        string p = CliRunner.WriteCsv("bighead.csv", $"y,{big},g\n1,2,a\n0,1,b\n1,3,a\n0,4,b\n");
        string line = OneLineError(["describe", "--data", p, "--formula", "y ~ x + (1|g)", "--family", "binomial"]);
        Assert.True(line.Length < 400, $"{line.Length} characters");
        Assert.Contains("unknown column 'x'", line);
    }

    [Fact]
    public void ControlCharactersInAValue_AreEscaped()
    {
        string p = CliRunner.WriteCsv("ctl.csv", "y,x,g\n1,2,a\n0,\"4\n\u0007z\",b\n1,3,a\n0,4,b\n");
        string line = OneLineError(["describe", "--data", p, "--formula", "y ~ x + (1|g)", "--family", "binomial"]);
        Assert.Contains("4\\n\\u0007z", line);
    }

    [Fact]
    public void BootstrapAboveTheRunCap_SuggestsShards()
    {
        string line = OneLineError(["bootstrap", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "-B", "2000000000", "--seed", "1"]);
        Assert.Contains("at most 10000000", line);
        Assert.Contains("--shard k/n, n ≥ 200", line);
    }

    [Fact]
    public void BootstrapShardUnderTheCap_IsAccepted_ButOutPathStillChecked()
    {
        // 2·10^9 replicates in 400 shards is 5·10^6 per run: under the cap, so the next check (the --out folder) speaks.
        string line = OneLineError(["bootstrap", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "-B", "2000000000",
            "--seed", "1", "--shard", "1/400", "--out", "/nonexistent-dir/b.csv"]);
        Assert.Contains("/nonexistent-dir", line);
    }

    [Fact]
    public void ComparePbAboveTheRunCap_IsRefused()
    {
        string line = OneLineError(["compare", "--data", "sleepstudy", "--small", "Reaction ~ 1 + (1|Subject)",
            "--large", "Reaction ~ Days + (1|Subject)", "--pb", "20000000"]);
        Assert.Contains("--pb 20000000", line);
        Assert.Contains("at most 10000000", line);
    }

    [Fact]
    public void ConfintLevelWithInfiniteQuantile_IsRefused()
    {
        string line = OneLineError(["fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)",
            "--quiet", "--confint", "Wald", "--confint-level", "0.9999999999999999"]);
        Assert.Contains("too close to 1", line);
    }

    [Fact]
    public void ProfileAtTheLargestUsableLevel_PrintsNumbersOrNaWithWarnings()
    {
        var (code, o, e) = CliRunner.Run(["fit", "--data", "sleepstudy", "--formula", "Reaction ~ Days + (Days | Subject)",
            "--quiet", "--confint", "profile", "--confint-level", "0.9999999999999998"]);
        Assert.Equal(0, code);
        Assert.DoesNotContain("Inf", o);
        Assert.DoesNotContain("NaN", o);
        int na = o.Split('\n').Sum(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(t => t == "NA"));
        int warnings = e.Split('\n').Count(l => l.StartsWith("warning: the profile of "));
        Assert.Equal(na, warnings);
        Assert.Contains("Days", o);
    }

    [Fact]
    public void OutputNamesNearTheFileNameLimit()
    {
        string dir = Path.GetDirectoryName(CliRunner.WriteCsv("x.csv", "a\n"))!;
        // 240 characters: accepted (the temporary name is cut, not this one), and the file is written whole.
        string ok = Path.Combine(dir, new string('p', 236) + ".csv");
        var (code, o, e) = CliRunner.Run(["predict", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "--out", ok]);
        Assert.True(code == 0, e);
        Assert.Equal(57, File.ReadAllLines(ok).Length);
        Assert.DoesNotContain(Directory.GetFiles(dir), f => f.Contains(".tmp-"));
        // 300 bytes: refused before any work, naming the limit.
        string tooLong = Path.Combine(dir, new string('q', 296) + ".csv");
        string line = OneLineError(["predict", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "--out", tooLong]);
        Assert.Contains("the file name is too long (300 bytes; at most 255)", line);
        // A bootstrap's checkpoint (OUT.partial.new) must fit too.
        string boot = Path.Combine(dir, new string('b', 245) + ".csv");
        line = OneLineError(["bootstrap", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "-B", "2", "--seed", "1", "--out", boot]);
        Assert.Contains("the file name is too long", line);
    }
}
