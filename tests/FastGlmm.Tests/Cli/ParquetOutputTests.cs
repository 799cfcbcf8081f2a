using FastGlmm.Cli.Commands;
using FastGlmm.Data;
using FastGlmm.Data.Csv;
using FastGlmm.Data.Parquet;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// A per-row output file named <c>.parquet</c> (fit --fitted and --ranef, predict --out, simulate --out) holds the same
/// table as the CSV the same command writes: the same column names in the same order, the same rows, numbers equal to
/// the last bit (the CSV's shortest round-trip form parses back to them) and the same labels; NA is a Parquet null.
/// </summary>
public class ParquetOutputTests
{
    private const string Sleep = "Reaction ~ Days + (Days | Subject)";
    private const string Cbpp = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

    private static string Temp(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "fastglmm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    /// <summary>Runs <paramref name="args"/> once with a CSV and once with a Parquet file for <paramref name="option"/> and compares the tables.</summary>
    private static void SameTable(string option, int expectedRows, params string[] args)
    {
        string csv = Temp("out.csv"), parquet = Temp("out.parquet");
        var (c1, _, e1) = CliRunner.Run([.. args, option, csv]);
        Assert.True(c1 == 0, e1);
        var (c2, _, e2) = CliRunner.Run([.. args, option, parquet]);
        Assert.True(c2 == 0, e2);
        Assert.NotEqual("row", File.ReadAllText(parquet)[..3]); // a binary file, not a CSV under another name
        var a = CsvReader.ReadFile(csv);
        var b = ParquetTableReader.Read(parquet);
        Assert.Equal(a.ColumnNames, b.ColumnNames);
        Assert.Equal(expectedRows, b.RowCount);
        Assert.Equal(a.RowCount, b.RowCount);
        foreach (var col in a.Columns)
        {
            var other = b[col.Name];
            // Labels that look like numbers (sleepstudy's subjects "308" …) are numbers to a CSV reader and strings in
            // the Parquet file, as R's ranef data frame has them: they are compared as text.
            for (int i = 0; i < a.RowCount; i++)
            {
                if (col is NumericColumn x && other is NumericColumn y) Assert.Equal(x.Values[i], y.Values[i]);
                else Assert.Equal(col.Format(i), other.Format(i));
            }
            if (col.Name is "fitted" or "condval" or "prediction" or "sim_1") Assert.IsType<NumericColumn>(other);
        }
    }

    [Fact]
    public void FitFitted_ParquetEqualsCsv() =>
        SameTable("--fitted", 180, "fit", "--data", "sleepstudy", "--formula", Sleep, "--quiet");

    [Fact]
    public void FitRanef_ParquetEqualsCsv() =>
        SameTable("--ranef", 2 * 18, "fit", "--data", "sleepstudy", "--formula", Sleep, "--quiet");

    [Fact]
    public void Predict_ParquetEqualsCsv() =>
        SameTable("--out", 56, "predict", "--data", "cbpp", "--family", "binomial", "--formula", Cbpp, "--scale", "response");

    [Fact]
    public void Simulate_ParquetEqualsCsv() =>
        SameTable("--out", 56, "simulate", "--data", "cbpp", "--family", "binomial", "--formula", Cbpp, "--nsim", "3", "--seed", "7");

    [Fact]
    public void NaN_IsWrittenAsNull_AndRowGroupsKeepOrder()
    {
        // 2²⁰ + 5 rows: two row groups, the second short.
        int n = (1 << 20) + 5;
        string path = Temp("t.parquet");
        using (var s = File.Create(path))
            ParquetOutput.Write(s, n,
            [
                new ParquetOutput.Int("row", i => i + 1),
                new ParquetOutput.Number("v", i => i % 3 == 0 ? double.NaN : 0.5 * i),
                new ParquetOutput.Text("g", i => "g" + (i % 7)),
            ]);
        var t = ParquetTableReader.Read(path);
        Assert.Equal(n, t.RowCount);
        var row = (NumericColumn)t["row"];
        var v = (NumericColumn)t["v"];
        var g = t["g"];
        foreach (int i in new[] { 0, 1, 2, 3, (1 << 20) - 1, 1 << 20, n - 1 })
        {
            Assert.Equal(i + 1, row.Values[i]);
            if (i % 3 == 0) Assert.True(v.IsMissing(i));
            else Assert.Equal(0.5 * i, v.Values[i]);
            Assert.Equal("g" + (i % 7), g.Format(i));
        }
    }
}
