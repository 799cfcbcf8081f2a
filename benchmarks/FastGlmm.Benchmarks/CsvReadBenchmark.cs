using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastGlmm.Data.Csv;

namespace FastGlmm.Benchmarks;

/// <summary>
/// Reads a seeded all-numeric CSV of <see cref="Rows"/> rows × 5 columns, with values shaped like
/// 0.123456789, -1.5, 42, -12.345678 and R's 15-significant-digit output.
/// </summary>
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class CsvReadBenchmark
{
    private string _path = "";

    /// <summary>Data rows in the file.</summary>
    [Params(1_000_000, 10_000_000)]
    public int Rows { get; set; }

    /// <summary>Writes the file.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"fastglmm-csvbench-{Rows}-{Guid.NewGuid():N}.csv");
        var rng = new Random(20261121);
        var inv = CultureInfo.InvariantCulture;
        using var w = new StreamWriter(_path, false, new UTF8Encoding(false), 1 << 20);
        w.Write("x1,x2,x3,x4,x5\n");
        for (int i = 0; i < Rows; i++)
        {
            w.Write(rng.NextDouble().ToString("F9", inv));
            w.Write(',');
            w.Write((rng.Next(-100, 100) / 2.0).ToString(inv));
            w.Write(',');
            w.Write(rng.Next(0, 1000).ToString(inv));
            w.Write(',');
            w.Write(((rng.NextDouble() - 0.5) * 100).ToString("F6", inv));
            w.Write(',');
            w.Write((rng.NextDouble() * 1000).ToString("G15", inv));
            w.Write('\n');
        }
    }

    /// <summary>Deletes the file.</summary>
    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    /// <summary>Reads the file into a table.</summary>
    [Benchmark]
    public int ReadFile() => CsvReader.ReadFile(_path).RowCount;
}
