using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using FastGlmm.Data;
using FastGlmm.Data.Arrow;
using FastGlmm.Tests.Cli;

namespace FastGlmm.Tests.Data;

/// <summary>
/// Arrow IPC input: R's types, a dictionary's order as the factor's level order (as R's arrow writes factors), nulls
/// as NA, several record batches; unsupported types and foreign files are one-line errors; a fit from an Arrow file
/// equals the fit from the same rows as CSV.
/// </summary>
public class ArrowReaderTests
{
    private static string Temp(string name) => CliRunner.TempPath(name);

    private static void Write(string path, Schema schema, params IArrowArray[][] batches)
    {
        using var stream = File.Create(path);
        using var w = new ArrowFileWriter(stream, schema);
        foreach (var b in batches) w.WriteRecordBatch(new RecordBatch(schema, b, b[0].Length));
        w.WriteEnd();
    }

    private static readonly DictionaryType Dict = new(Int32Type.Default, StringType.Default, false);

    private static IArrowArray[] Batch(double?[] d, int[] i, bool?[] b, string?[] s, int?[] codes)
    {
        var db = new DoubleArray.Builder(); foreach (var v in d) { if (v is { } x) db.Append(x); else db.AppendNull(); }
        var bb = new BooleanArray.Builder(); foreach (var v in b) { if (v is { } x) bb.Append(x); else bb.AppendNull(); }
        var sb = new StringArray.Builder(); foreach (var v in s) { if (v is null) sb.AppendNull(); else sb.Append(v); }
        var cb = new Int32Array.Builder(); foreach (var v in codes) { if (v is { } x) cb.Append(x); else cb.AppendNull(); }
        var dictionary = new StringArray.Builder().Append("lo").Append("mid").Append("hi").Build();
        return [db.Build(), new Int32Array.Builder().AppendRange(i).Build(), bb.Build(), sb.Build(), new DictionaryArray(Dict, cb.Build(), dictionary)];
    }

    private static Schema TypesSchema() => new Schema.Builder()
        .Field(f => f.Name("d").DataType(DoubleType.Default)).Field(f => f.Name("i").DataType(Int32Type.Default))
        .Field(f => f.Name("b").DataType(BooleanType.Default)).Field(f => f.Name("s").DataType(StringType.Default))
        .Field(f => f.Name("f").DataType(Dict)).Build();

    [Fact]
    public void ReadsRsTypesAndTheDictionaryOrder()
    {
        string path = Temp("t.arrow");
        Write(path, TypesSchema(),
            Batch([1.5, null, -2], [1, 2, 3], [true, null, false], ["b", "a10", null], [2, 0, null]),
            Batch([4, 5], [10, -4], [false, true], ["a2", "b"], [1, 2]));
        var t = ArrowTableReader.Read(path);
        Assert.Equal(5, t.RowCount);
        Assert.Equal([1.5, double.NaN, -2, 4, 5], ((NumericColumn)t["d"]).Values.ToArray());
        Assert.Equal([1, 2, 3, 10, -4], ((NumericColumn)t["i"]).Values.ToArray());
        Assert.Equal(new sbyte[] { 1, -1, 0, 0, 1 }, ((LogicalColumn)t["b"]).Values.ToArray());
        var s = (FactorColumn)t["s"];
        Assert.Equal(["a10", "a2", "b"], s.Levels.ToArray());
        Assert.Equal([2, 0, -1, 1, 2], s.Codes.ToArray());
        var f = (FactorColumn)t["f"];
        Assert.Equal(["lo", "mid", "hi"], f.Levels.ToArray()); // the dictionary's order, not sorted
        Assert.Equal([2, 0, -1, 1, 2], f.Codes.ToArray());
        Assert.Equal(["i", "f"], ArrowTableReader.Read(path, new HashSet<string> { "f", "i" }).ColumnNames.ToArray());
    }

    [Fact]
    public void UnsupportedTypesAndForeignFilesAreOneLineErrors()
    {
        string path = Temp("date.arrow");
        var schema = new Schema.Builder().Field(f => f.Name("x").DataType(DoubleType.Default)).Field(f => f.Name("when").DataType(Date32Type.Default)).Build();
        Write(path, schema, [new DoubleArray.Builder().Append(1).Build(), new Date32Array.Builder().Append(new DateTime(2026, 12, 3)).Build()]);
        var e = Assert.Throws<UserInputException>(() => ArrowTableReader.Read(path));
        Assert.Equal($"{path}: column 'when' has Arrow type date32, which is not supported; convert it to a number, logical or string", e.Message);
        string text = Temp("text.arrow");
        File.WriteAllText(text, "y,x,g\n1,2,a\n");
        e = Assert.Throws<UserInputException>(() => ArrowTableReader.Read(text));
        Assert.StartsWith($"{text}: not a readable Arrow IPC file (", e.Message);
        var (code, _, err) = CliRunner.Run("fit", "--data", text, "--formula", "y ~ x + (1 | g)");
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {text}: not a readable Arrow IPC file", err);
    }

    /// <summary>simulate-data's rows written as Arrow (strings for g) fit exactly as their CSV does.</summary>
    [Fact]
    public void FitsAsTheCsvDoes()
    {
        string csv = Temp("d.csv"), arrow = Temp("d.arrow");
        var (code, _, err) = CliRunner.Run("simulate-data", "--rows", "20000", "--clusters", "200", "--model", "slope", "--seed", "11", "--out", csv);
        Assert.True(code == 0, err);
        var t = FastGlmm.Data.Csv.CsvReader.ReadFile(csv);
        var (y, x, g) = ((NumericColumn)t["y"], (NumericColumn)t["x"], (FactorColumn)t["g"]);
        var schema = new Schema.Builder().Field(f => f.Name("y").DataType(DoubleType.Default)).Field(f => f.Name("x").DataType(DoubleType.Default))
            .Field(f => f.Name("g").DataType(StringType.Default)).Build();
        var gs = new StringArray.Builder();
        for (int i = 0; i < t.RowCount; i++) gs.Append(g.Levels[g.Codes[i]]);
        Write(arrow, schema, [new DoubleArray.Builder().AppendRange(y.Values.ToArray()).Build(), new DoubleArray.Builder().AppendRange(x.Values.ToArray()).Build(), gs.Build()]);
        string Fit(string data)
        {
            var (c, o, e) = CliRunner.Run("fit", "--data", data, "--formula", "y ~ x + (1 + x | g)", "--family", "binomial");
            Assert.True(c == 0, e);
            return o.Replace(data, "DATA");
        }
        Assert.Equal(Fit(csv), Fit(arrow));
    }
}
