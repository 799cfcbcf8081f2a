using FastGlmm.Cli.Bootstrap;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// bootstrap --out x.parquet or x.arrow: the CSV's replicates and metadata in a Parquet or Arrow IPC file (columns replicate, status, failure
/// and the statistics; metadata under fastglmm. keys), merged with CSV shards and read back exactly.
/// </summary>
public class BootstrapColumnarTests
{
    private static readonly string[] Cbpp =
        ["bootstrap", "--data", "cbpp", "--formula", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "--family", "binomial", "--seed", "5", "--quiet"];

    /// <summary>
    /// Runs the bootstrap with B replicates once to CSV and once to a file of <paramref name="extension"/>, asserts that
    /// both hold the same run (metadata, statistics, original estimates, every replicate's index, failure and values)
    /// and that the columnar file reads as a plain table with the CSV's columns; returns the CSV's run and the file.
    /// </summary>
    private static (BootstrapRun Csv, string Path) SameRunAsCsv(string extension, int replicates)
    {
        string csv = CliRunner.TempPath("all.csv"), path = CliRunner.TempPath("all" + extension);
        string b = replicates.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, CliRunner.Run([.. Cbpp, "-B", b, "--out", csv]).Code);
        var (code, _, err) = CliRunner.Run([.. Cbpp, "-B", b, "--out", path]);
        Assert.True(code == 0, err);
        var a = BootstrapCsv.Read(csv);
        var c = BootstrapColumnar.Read(path);
        Assert.Equal(a.Metadata, c.Metadata);
        Assert.Equal(a.Statistics, c.Statistics);
        Assert.Equal(a.Original, c.Original);
        Assert.Equal(a.Rows.Count, c.Rows.Count);
        for (int i = 0; i < a.Rows.Count; i++)
        {
            Assert.Equal(a.Rows[i].Replicate, c.Rows[i].Replicate);
            Assert.Equal(a.Rows[i].Failure, c.Rows[i].Failure);
            Assert.Equal(a.Rows[i].Values, c.Rows[i].Values);
        }
        var table = extension == ".arrow" ? FastGlmm.Data.Arrow.ArrowTableReader.Read(path) : FastGlmm.Data.Parquet.ParquetTableReader.Read(path);
        Assert.Equal(["replicate", "status", "failure", .. a.Statistics], table.ColumnNames);
        return (a, path);
    }

    [Fact]
    public void ParquetHoldsTheCsvsRun_AndMergesWithCsvShards()
    {
        var (a, _) = SameRunAsCsv(".parquet", 30);
        // Shards 1/2 as Parquet and 2/2 as CSV merge to the whole run.
        string s1 = CliRunner.TempPath("s1.parquet"), s2 = CliRunner.TempPath("s2.csv"), merged = CliRunner.TempPath("m.parquet");
        Assert.Equal(0, CliRunner.Run([.. Cbpp, "-B", "30", "--shard", "1/2", "--out", s1]).Code);
        Assert.Equal(0, CliRunner.Run([.. Cbpp, "-B", "30", "--shard", "2/2", "--out", s2]).Code);
        var (mc, _, me) = CliRunner.Run("bootstrap", "merge", s1, s2, "--out", merged, "--quiet");
        Assert.True(mc == 0, me);
        var m = BootstrapColumnar.Read(merged);
        Assert.Equal("merged", m.Metadata.Shard);
        for (int i = 0; i < 30; i++) Assert.Equal(a.Rows[i].Values, m.Rows[i].Values);
    }

    /// <summary>The same run as an Arrow IPC file (as MixedModels.jl saves replicates): read back equal to the CSV.</summary>
    [Fact]
    public void ArrowHoldsTheCsvsRun() => SameRunAsCsv(".arrow", 12);

    [Fact]
    public void AParquetFileThatIsNotABootstrap_IsAOneLineError()
    {
        string other = CliRunner.TempPath("p.parquet");
        Assert.Equal(0, CliRunner.Run("predict", "--data", "cbpp", "--formula", "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            "--family", "binomial", "--out", other).Code);
        var (code, _, err) = CliRunner.Run("bootstrap", "merge", other);
        Assert.Equal(1, code);
        Assert.Contains("not a fastglmm bootstrap Parquet file", err);
        Assert.Single(err.Trim().Split('\n'));
        string junk = CliRunner.WriteCsv("j.parquet", "not parquet at all");
        var (c2, _, e2) = CliRunner.Run("bootstrap", "merge", junk);
        Assert.Equal(1, c2);
        Assert.Contains("not a readable Parquet file", e2);
    }
}
