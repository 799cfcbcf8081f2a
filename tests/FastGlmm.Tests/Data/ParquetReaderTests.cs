using FastGlmm.Data;
using FastGlmm.Data.Parquet;
using FastGlmm.Simulation;
using FastGlmm.Tests.Cli;
using Parquet;
using Parquet.Schema;

namespace FastGlmm.Tests.Data;

/// <summary>
/// Parquet input: R's types (numbers of every width → numeric, booleans → logical, strings → factors with the CSV
/// level order, nulls → NA), several row groups, column selection; unsupported types, truncated and non-Parquet files
/// are one-line errors; a fit from simulate-data's Parquet file equals the fit from its CSV file.
/// </summary>
public class ParquetReaderTests
{
    private static string Temp(string name) => CliRunner.TempPath(name);

    /// <summary>Writes two row groups of a file with one column of each supported kind, nulls included.</summary>
    private static async Task<string> WriteTypes()
    {
        string path = Temp("types.parquet");
        var fd = new DataField<double?>("d");
        var fi = new DataField<int>("i");
        var fl = new DataField<long?>("l");
        var ff = new DataField<float>("f");
        var fb = new DataField<bool?>("b");
        var fs = new DataField<string>("s");
        await using (var stream = File.Create(path))
        await using (var w = await ParquetWriter.CreateAsync(new ParquetSchema(fd, fi, fl, ff, fb, fs), stream))
        {
            foreach (var part in new[] { 0, 1 })
            {
                using var rg = w.CreateRowGroup();
                await rg.WriteAsync<double>(fd, new double?[] { 1.5, null, -2 }.AsMemory().Slice(0, part == 0 ? 3 : 2));
                await rg.WriteAsync<int>(fi, (part == 0 ? new[] { 1, 2, 3 } : new[] { 10, -4 }).AsMemory());
                await rg.WriteAsync<long>(fl, (part == 0 ? new long?[] { 5, null, 7 } : new long?[] { null, 9_000_000_000 }).AsMemory());
                await rg.WriteAsync<float>(ff, (part == 0 ? new[] { 0.5f, 0.25f, 2f } : new[] { 8f, -1f }).AsMemory());
                await rg.WriteAsync<bool>(fb, (part == 0 ? new bool?[] { true, null, false } : new bool?[] { false, true }).AsMemory());
                await rg.WriteAsync(fs, part == 0 ? new[] { "b", "a10", null } : new[] { "a2", "b" });
            }
        }
        return path;
    }

    [Fact]
    public async Task ReadsRsTypesAcrossRowGroups()
    {
        var t = ParquetTableReader.Read(await WriteTypes());
        Assert.Equal(5, t.RowCount);
        Assert.Equal([1.5, double.NaN, -2, 1.5, double.NaN], ((NumericColumn)t["d"]).Values.ToArray());
        Assert.Equal([1, 2, 3, 10, -4], ((NumericColumn)t["i"]).Values.ToArray());
        Assert.Equal([5, double.NaN, 7, double.NaN, 9e9], ((NumericColumn)t["l"]).Values.ToArray());
        Assert.Equal([0.5, 0.25, 2, 8, -1], ((NumericColumn)t["f"]).Values.ToArray());
        Assert.Equal(new sbyte[] { 1, -1, 0, 0, 1 }, ((LogicalColumn)t["b"]).Values.ToArray());
        var s = (FactorColumn)t["s"];
        Assert.Equal(["a10", "a2", "b"], s.Levels.ToArray()); // the CSV reader's (ordinal) order
        Assert.Equal([2, 0, -1, 1, 2], s.Codes.ToArray());
    }

    [Fact]
    public async Task ReadsOnlyTheColumnsAsked()
    {
        var t = ParquetTableReader.Read(await WriteTypes(), new HashSet<string> { "i", "s" });
        Assert.Equal(["i", "s"], t.ColumnNames.ToArray());
    }

    [Fact]
    public async Task UnsupportedTypesNameTheColumn()
    {
        string path = Temp("dec.parquet");
        var fx = new DataField<double>("x");
        var fm = new DecimalDataField("money", 10, 2);
        await using (var stream = File.Create(path))
        await using (var w = await ParquetWriter.CreateAsync(new ParquetSchema(fx, fm), stream))
        {
            using var rg = w.CreateRowGroup();
            await rg.WriteAsync<double>(fx, new[] { 1.0, 2.0 }.AsMemory());
            await rg.WriteAsync<decimal>(fm, new[] { 1.25m, 2.5m }.AsMemory());
        }
        var e = Assert.Throws<UserInputException>(() => ParquetTableReader.Read(path));
        Assert.Equal($"{path}: column 'money' has Parquet type decimal, which is not supported; convert it to a number, logical or string", e.Message);
        Assert.Equal(1.0, ((NumericColumn)ParquetTableReader.Read(path, new HashSet<string> { "x" })["x"]).Values[0]);
    }

    [Fact]
    public async Task TruncatedAndForeignFilesAreOneLineErrors()
    {
        string good = await WriteTypes();
        var bytes = await File.ReadAllBytesAsync(good);
        string cut = Temp("cut.parquet");
        await File.WriteAllBytesAsync(cut, bytes[..(bytes.Length / 2)]);
        string text = Temp("text.parquet");
        await File.WriteAllTextAsync(text, "y,x,g\n1,2,a\n");
        foreach (var path in new[] { cut, text })
        {
            var e = Assert.Throws<UserInputException>(() => ParquetTableReader.Read(path));
            Assert.StartsWith($"{path}: not a readable Parquet file (", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        var (code, _, err) = CliRunner.Run("fit", "--data", cut, "--formula", "d ~ i + (1 | s)");
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {cut}: not a readable Parquet file", err);
    }

    /// <summary>simulate-data's Parquet file holds exactly SyntheticData's rows, and fits as its CSV file does.</summary>
    [Fact]
    public void SimulatedParquetEqualsTheCsvAndFitsTheSame()
    {
        string pq = Temp("d.parquet"), csv = Temp("d.csv");
        foreach (var path in new[] { pq, csv })
        {
            var (code, _, err) = CliRunner.Run("simulate-data", "--rows", "30000", "--clusters", "300", "--model", "slope",
                "--items", "40", "--seed", "5", "--out", path);
            Assert.True(code == 0, err);
        }
        var t = ParquetTableReader.Read(pq);
        var sim = new SyntheticModel(30_000, 300, SyntheticResponse.Binary, 5, -0.5, 1.0, 1.0, 0.5, items: 40);
        var (y, x, g, h) = ((NumericColumn)t["y"], (NumericColumn)t["x"], (FactorColumn)t["g"], (FactorColumn)t["h"]);
        for (int i = 0; i < 30_000; i++)
        {
            var (yi, xi, gi) = sim.Row(i);
            Assert.Equal(yi, y.Values[i]);
            Assert.Equal(xi, x.Values[i]);
            Assert.Equal($"g{gi + 1}", g.Levels[g.Codes[i]]);
            Assert.Equal($"h{sim.Item(i) + 1}", h.Levels[h.Codes[i]]);
        }
        string Fit(string data)
        {
            var (code, o, err) = CliRunner.Run("fit", "--data", data, "--formula", "y ~ x + (1 + x | g) + (1 | h)", "--family", "binomial");
            Assert.True(code == 0, err);
            return o.Replace(data, "DATA");
        }
        Assert.Equal(Fit(csv), Fit(pq));
    }
}
