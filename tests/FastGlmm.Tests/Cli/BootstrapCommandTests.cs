using FastGlmm.Cli.Bootstrap;
using FastGlmm.Cli.Commands;

namespace FastGlmm.Tests.Cli;

/// <summary>fastglmm bootstrap: the summary, the CSV, shards and their merge, merge errors, R's type-7 quantiles.</summary>
public class BootstrapCommandTests
{
    private const string CbppFormula = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

    /// <summary>The unsharded cbpp run (B = 40, seed 1), shared by the tests: (exit code, stdout, stderr, CSV path).</summary>
    private static readonly Lazy<(int Code, string Out, string Err, string Csv)> Full = new(() =>
    {
        string csv = TempPath("full.csv");
        var (code, o, e) = Bootstrap("--out", csv);
        return (code, o, e, csv);
    });

    private static string TempPath(string name) =>
        Path.Combine(Path.GetDirectoryName(CliRunner.WriteCsv("unused.csv", ""))!, name);

    private static (int Code, string Out, string Err) Bootstrap(params string[] extra) =>
        CliRunner.Run(["bootstrap", "--data", "cbpp", "--formula", CbppFormula, "--family", "binomial", "-B", "40", "--seed", "1", .. extra]);

    private static string[] Lines(string text) => text.Replace("\r", "").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string[] DataRows(string csv) => File.ReadAllLines(csv).Where(l => !l.StartsWith('#')).Skip(1).ToArray();

    /// <summary>The statistics table of a summary: from its header line to the blank line after it.</summary>
    private static string[] Table(string summary) =>
        summary.Replace("\r", "").Split('\n').SkipWhile(l => !l.Contains("std.error", StringComparison.Ordinal)).TakeWhile(l => l.Length > 0).ToArray();

    [Fact]
    public void Cbpp_SummaryAndCsv()
    {
        var (code, o, err, csv) = Full.Value;
        Assert.True(code == 0, err);
        Assert.Contains("B = 40, seed = 1", o, StringComparison.Ordinal);
        var table = Table(o);
        foreach (var name in new[] { "(Intercept)", "period2", "period3", "period4", "sd_(Intercept)|herd", "logLik" })
            Assert.Contains(table, l => l.StartsWith(name + " ", StringComparison.Ordinal));
        Assert.Contains(Lines(o), l => l.StartsWith("Failed replicates: ", StringComparison.Ordinal) && l.Contains(" of 40", StringComparison.Ordinal));
        Assert.Matches(@"^40 replicates in [0-9.]+ s \([0-9.]+/s\)$", Lines(err).Last());

        var lines = File.ReadAllLines(csv);
        Assert.Equal(BootstrapCsv.Magic, lines[0]);
        Assert.Contains("# formula: " + CbppFormula, lines);
        Assert.Contains("# seed: 1", lines);
        Assert.Contains("# B: 40", lines);
        Assert.Contains(lines, l => l.StartsWith("# original: ", StringComparison.Ordinal));
        Assert.Contains("replicate,status,failure,(Intercept),period2,period3,period4,sd_(Intercept)|herd,logLik", lines);
        var rows = DataRows(csv);
        Assert.Equal(40, rows.Length);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Select(r => r.Split(',')[0]));
        Assert.All(rows, r => Assert.Matches("^[0-9]+,(ok,,|failed,)", r));
    }

    [Fact]
    public void Shards_MergeToTheUnshardedRun()
    {
        var full = Full.Value;
        Assert.True(full.Code == 0, full.Err);
        string s1 = TempPath("s1.csv"), s2 = TempPath("s2.json"), merged = TempPath("merged.csv");
        var r1 = Bootstrap("--shard", "1/2", "--out", s1, "--quiet");
        var r2 = Bootstrap("--shard", "2/2", "--out", s2, "--quiet");
        Assert.True(r1.Code == 0 && r2.Code == 0, r1.Err + r2.Err);
        Assert.Equal("", r1.Out);
        Assert.Equal(20, DataRows(s1).Length);
        Assert.Contains("# shard: 1/2", File.ReadAllLines(s1));

        var (code, o, err) = CliRunner.Run("bootstrap", "merge", s2, s1, "--out", merged);
        Assert.True(code == 0, err);
        Assert.Equal("", err);
        Assert.Equal(DataRows(full.Csv), DataRows(merged));
        Assert.Equal(Table(full.Out), Table(o));
        Assert.Contains(Lines(o), l => l.StartsWith("Failed replicates: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Merge_MissingReplicates_AreReported()
    {
        string s1 = TempPath("only1.csv");
        Assert.Equal(0, Bootstrap("--shard", "1/4", "--out", s1, "--quiet").Code);
        var (code, o, err) = CliRunner.Run("bootstrap", "merge", s1);
        Assert.Equal(0, code);
        Assert.Contains("note: 30 of 40 replicates are missing (10-39)", err, StringComparison.Ordinal);
        Assert.Contains("Missing replicates: 30 of 40: 10-39", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_MetadataMismatchAndOverlap_AreOneLineErrors()
    {
        var full = Full.Value;
        string other = TempPath("seed2.csv");
        Assert.Equal(0, CliRunner.Run(["bootstrap", "--data", "cbpp", "--formula", CbppFormula, "--family", "binomial", "-B", "40",
            "--seed", "2", "--out", other, "--quiet"]).Code);
        var (code, o, err) = CliRunner.Run("bootstrap", "merge", full.Csv, other);
        Assert.Equal(1, code);
        Assert.Equal("", o);
        Assert.Single(Lines(err));
        Assert.StartsWith($"error: {other}: seed '2' differs from {full.Csv}'s '1'", err, StringComparison.Ordinal);

        string s2 = TempPath("overlap.csv");
        Assert.Equal(0, Bootstrap("--shard", "2/2", "--out", s2, "--quiet").Code);
        (code, o, err) = CliRunner.Run("bootstrap", "merge", full.Csv, s2);
        Assert.Equal(1, code);
        Assert.Single(Lines(err));
        Assert.StartsWith($"error: {s2}: replicate 20 is also in {full.Csv}", err, StringComparison.Ordinal);

        string junk = CliRunner.WriteCsv("junk.csv", "a,b\n1,2\n");
        (code, _, err) = CliRunner.Run("bootstrap", "merge", junk);
        Assert.Equal(1, code);
        Assert.Single(Lines(err));
    }

    [Theory]
    [InlineData("0/2")]
    [InlineData("3/2")]
    [InlineData("1-2")]
    [InlineData("1/41")]
    public void BadShard_IsAUserError(string shard)
    {
        var (code, _, err) = Bootstrap("--shard", shard);
        Assert.Equal(1, code);
        Assert.StartsWith("error: --shard " + shard, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Shard_Ranges_CoverEveryReplicateOnce()
    {
        Assert.Equal((0L, 3, "1/3"), BootstrapCommand.Shard("1/3", 10));
        Assert.Equal((3L, 3, "2/3"), BootstrapCommand.Shard("2/3", 10));
        Assert.Equal((6L, 4, "3/3"), BootstrapCommand.Shard("3/3", 10));
        Assert.Equal((0L, 10, "all"), BootstrapCommand.Shard(null, 10));
    }

    [Fact]
    public void Quantile7_MatchesR()
    {
        // R: quantile(x, p, type = 7), printed with sprintf("%.17g").
        double[] x = [0.31, -1.27, 2.05, 0.88, -0.46, 1.73, 0.02, -2.19, 1.11, 0.57];
        var s = x.Order().ToArray();
        Assert.Equal(-1.9829999999999999, BootstrapSummary.Quantile7(s, 0.025));
        Assert.Equal(0.02, BootstrapSummary.Quantile7(s, 1.0 / 3));
        Assert.Equal(0.43999999999999995, BootstrapSummary.Quantile7(s, 0.5));
        Assert.Equal(1.30375, BootstrapSummary.Quantile7(s, 0.8125));
        Assert.Equal(1.978, BootstrapSummary.Quantile7(s, 0.975));
        Assert.Equal(-2.19, BootstrapSummary.Quantile7(s, 0));
        Assert.Equal(2.05, BootstrapSummary.Quantile7(s, 1));
    }

    [Fact]
    public void Ranges_AreCompact()
    {
        Assert.Equal("0-2, 5, 7-8", BootstrapRun.Ranges([8, 0, 1, 2, 5, 7]));
        Assert.Equal("none", BootstrapRun.Ranges([]));
    }
}
