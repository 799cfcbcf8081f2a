using System.Globalization;
using System.Text;
using FastGlmm.Data;
using FastGlmm.Data.Csv;

namespace FastGlmm.Tests.Data;

public class CsvReaderTests
{
    // Tiny segments and chunks push even small inputs through the multi-segment, multi-chunk parallel path.
    private static readonly CsvTuning Tiny = new(MaxSegmentBytes: 256, MinChunkBytes: 1, ChunksPerWorker: 64, MaxParallelism: 4);

    private static DataTable Read(string text, CsvReadOptions? options = null, bool tiny = false) =>
        Read(Encoding.UTF8.GetBytes(text), options, tiny);

    private static DataTable Read(byte[] bytes, CsvReadOptions? options = null, bool tiny = false) =>
        CsvReader.Read(new MemoryStream(bytes), "test.csv", options, tiny ? Tiny : CsvTuning.Default);

    private static string ReadError(string text, bool tiny = false) =>
        Assert.Throws<UserInputException>(() => Read(text, tiny: tiny)).Message;

    private static double[] Num(DataTable t, string name) => Assert.IsType<NumericColumn>(t[name]).Values.ToArray();

    private static void AssertLabels(string?[] expected, DataTable t, string name) =>
        Assert.Equal((IEnumerable<string?>)expected, Labels(t, name));

    private static string?[] Labels(DataTable t, string name)
    {
        var f = Assert.IsType<FactorColumn>(t[name]);
        return f.Codes.ToArray().Select(c => c < 0 ? null : f.Levels[c]).ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void InfersNumericLogicalAndFactorColumns(bool tiny)
    {
        var t = Read("n,l,f,i\n1.5,TRUE,a,7\n-2,F,b,-3\n3e2,true,a,42\n", tiny: tiny);
        Assert.Equal(["n", "l", "f", "i"], t.ColumnNames);
        Assert.Equal(3, t.RowCount);
        Assert.Equal([1.5, -2, 300], Num(t, "n"));
        Assert.Equal([7.0, -3, 42], Num(t, "i"));
        Assert.Equal(new sbyte[] { 1, 0, 1 }, Assert.IsType<LogicalColumn>(t["l"]).Values.ToArray());
        var f = Assert.IsType<FactorColumn>(t["f"]);
        Assert.Equal(["a", "b"], f.Levels);
        Assert.Equal([0, 1, 0], f.Codes.ToArray());
        Assert.Equal("test.csv", t.Source);
    }

    [Fact]
    public void AllLogicalTokenSpellingsAreAccepted()
    {
        var t = Read("v\nTRUE\nFALSE\nT\nF\ntrue\nfalse\nTrue\nFalse\n");
        Assert.Equal(new sbyte[] { 1, 0, 1, 0, 1, 0, 1, 0 }, Assert.IsType<LogicalColumn>(t["v"]).Values.ToArray());
    }

    [Fact]
    public void NaTokensAreMissingInEveryColumnType()
    {
        var t = Read("n,l,f,allna\n1,T,x,NA\nNA,NA,NA,\n,,,NaN\nNaN,F,\"NA\",\n2.5,\"\",y,NA\n");
        var n = Num(t, "n");
        Assert.Equal(1.0, n[0]);
        Assert.True(double.IsNaN(n[1]) && double.IsNaN(n[2]) && double.IsNaN(n[3]));
        Assert.Equal(2.5, n[4]);
        Assert.Equal(new sbyte[] { 1, -1, -1, 0, -1 }, Assert.IsType<LogicalColumn>(t["l"]).Values.ToArray());
        AssertLabels(["x", null, null, null, "y"], t, "f");
        Assert.Equal(["x", "y"], Assert.IsType<FactorColumn>(t["f"]).Levels);
        Assert.Equal(5, t["allna"].MissingCount());
        Assert.Equal(ColumnKind.Numeric, t["allna"].Kind);
    }

    [Fact]
    public void CustomNaTokensAndDelimiter()
    {
        var options = new CsvReadOptions { Delimiter = ';', NaTokens = ["-999"] };
        var t = Read("a;b\n1,5;NA\n-999;x\n", options);
        var a = Assert.IsType<FactorColumn>(t["a"]); // "1,5" is not a number in the invariant culture
        Assert.Equal(["1,5"], a.Levels);
        Assert.True(a.IsMissing(1));
        AssertLabels(["NA", "x"], t, "b"); // "NA" is no longer an NA token
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void QuotedFieldsHoldDelimitersEscapedQuotesAndNewlines(bool tiny)
    {
        var csv = "id,text\n1,\"a,b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,  \"padded\"  \n5,x\"y,z\"w\n";
        var t = Read(csv, tiny: tiny);
        Assert.Equal([1.0, 2, 3, 4, 5], Num(t, "id"));
        AssertLabels(["a,b", "say \"hi\"", "two\nlines", "padded", "xy,zw"], t, "text");
    }

    [Fact]
    public void CrLfLineEndingsAndTrimmedWhitespace()
    {
        var t = Read("a, b ,c\r\n 1 , x ,\"q\"\r\n2,y z,\"r\r\ns\"\r\n");
        Assert.Equal(["a", "b", "c"], t.ColumnNames);
        Assert.Equal([1.0, 2], Num(t, "a"));
        AssertLabels(["x", "y z"], t, "b");
        AssertLabels(["q", "r\r\ns"], t, "c");
    }

    [Fact]
    public void Utf8BomIsStripped()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("größe,b\n1,ä\n")).ToArray();
        var t = Read(bytes);
        Assert.Equal(["größe", "b"], t.ColumnNames);
        Assert.Equal([1.0], Num(t, "größe"));
        AssertLabels(["ä"], t, "b");
    }

    [Theory]
    [InlineData("a,b\n1,2\n3,4\n\n\n")]
    [InlineData("a,b\r\n1,2\r\n3,4\r\n\r\n  \r\n")]
    [InlineData("a,b\n1,2\n3,4")]
    [InlineData("\n\na,b\n1,2\n\n3,4\n")]
    public void BlankLinesAndMissingFinalNewlineAreIgnored(string csv)
    {
        foreach (bool tiny in new[] { false, true })
        {
            var t = Read(csv, tiny: tiny);
            Assert.Equal(2, t.RowCount);
            Assert.Equal([1.0, 3], Num(t, "a"));
            Assert.Equal([2.0, 4], Num(t, "b"));
        }
    }

    [Fact]
    public void RStyleQuotedNumbersStayNumericAndBecomeNumericallyOrderedFactors()
    {
        var t = Read("\"herd\",\"incidence\",\"size\"\n\"10\",2,14\n\"2\",3,12\n\"1\",4,9\n\"10\",0,5\n");
        Assert.Equal([10.0, 2, 1, 10], Num(t, "herd"));
        var herd = Assert.IsType<FactorColumn>(t.AsFactors(["herd"])["herd"]);
        Assert.Equal(["1", "2", "10"], herd.Levels);
        Assert.Equal([2, 1, 0, 2], herd.Codes.ToArray());
    }

    [Fact]
    public void TextLevelsAreOrdinalAndNumbersAmongTextKeepTheirSpelling()
    {
        var t = Read("g,h\nb,1.0\nB,2\na,x\n10,1.0\n9,2\n");
        Assert.Equal(["10", "9", "B", "a", "b"], Assert.IsType<FactorColumn>(t["g"]).Levels);
        Assert.Equal(["1.0", "2", "x"], Assert.IsType<FactorColumn>(t["h"]).Levels);
        AssertLabels(["1.0", "2", "x", "1.0", "2"], t, "h");
    }

    [Fact]
    public void InfinitiesAndExponentsAreNumeric()
    {
        var t = Read("v\nInf\n-Inf\n1e-3\n-0\n+4.\n.5\n12345678901234567890\n");
        var v = Num(t, "v");
        Assert.Equal(double.PositiveInfinity, v[0]);
        Assert.Equal(double.NegativeInfinity, v[1]);
        Assert.Equal(0.001, v[2]);
        Assert.True(v[3] == 0 && double.IsNegative(v[3]));
        Assert.Equal([4.0, 0.5, 12345678901234567890.0], v[4..]);
    }

    [Fact]
    public void EmptyHeaderNameBecomesXAndHeaderOnlyGivesNoRows()
    {
        var t = Read("\"\",\"a\"\n");
        Assert.Equal(["X", "a"], t.ColumnNames);
        Assert.Equal(0, t.RowCount);
        Assert.Equal(ColumnKind.Numeric, t["X"].Kind);
    }

    [Fact]
    public void DuplicateHeaderNameIsAnError()
    {
        Assert.Equal("test.csv, line 2: column name 'a' appears twice in the header", ReadError("\na,b,a\n1,2,3\n"));
    }

    [Fact]
    public void MissingFileIsAnError()
    {
        string path = Path.Combine(Path.GetTempPath(), "fastglmm-no-such-file-20261121.csv");
        var e = Assert.Throws<UserInputException>(() => CsvReader.ReadFile(path));
        Assert.Equal($"{path}: file not found", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \r\n")]
    [InlineData("\uFEFF")]
    public void EmptyInputIsAnError(string csv)
    {
        Assert.Equal("test.csv: the file is empty; a header row with the column names is required", ReadError(csv));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RaggedRowsNameTheirPhysicalLine(bool tiny)
    {
        // Line 3 holds a quoted newline, so the short record starts on physical line 5.
        string csv = "a,b,c\n1,2,3\n4,\"x\ny\",6\n7,8\n";
        Assert.Equal("test.csv, line 5: expected 3 fields, found 2", ReadError(csv, tiny));
        Assert.Equal("test.csv, line 3: expected 3 fields, found 4", ReadError("a,b,c\n1,2,3\n1,2,3,\n", tiny));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RaggedRowDeepInALargeInputNamesItsLine(bool tiny)
    {
        var sb = new StringBuilder("x,y\n");
        for (int i = 0; i < 2000; i++) sb.Append(i == 1500 ? "1,2,3\n" : $"{i},\"q{i % 7}\"\n");
        Assert.Equal("test.csv, line 1502: expected 2 fields, found 3", ReadError(sb.ToString(), tiny));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UnterminatedQuoteNamesTheLineWhereItOpened(bool tiny)
    {
        string csv = "a,b\n1,x\n2,\"open\n3,y\n4,z\n";
        Assert.Equal(
            "test.csv, line 3: unterminated quote in column 'b' (the quote opened on this line is never closed)",
            ReadError(csv, tiny));
        Assert.Equal(
            "test.csv, line 1: unterminated quote in the header (the quote opened on this line is never closed)",
            ReadError("a,\"b\n1,2\n"));
    }

    [Fact]
    public void TinyTuningReallySplitsSegmentsAndChunks()
    {
        var sb = new StringBuilder("a,b\n");
        for (int i = 0; i < 200; i++) sb.Append(CultureInfo.InvariantCulture, $"{i},\"x\n{i % 3}\"\n");
        var input = CsvInput.Load(new MemoryStream(Encoding.UTF8.GetBytes(sb.ToString())), "test.csv", Tiny.MaxSegmentBytes);
        Assert.True(input.Segments.Count > 5);
        Assert.All(input.Segments.Take(input.Segments.Count - 1), s => Assert.Equal((byte)'\n', s.Span[^1]));
        var chunks = CsvChunkPlanner.Plan(input, new int[input.Segments.Count], Tiny);
        Assert.True(chunks.Length > input.Segments.Count);
        var t = Read(sb.ToString(), tiny: true);
        Assert.Equal(200, t.RowCount);
        Assert.Equal("x\n2", t["b"].Format(197));
    }

    [Fact]
    public void UnterminatedQuoteBeyondASegmentIsReported()
    {
        var sb = new StringBuilder("a,b\n1,2\n3,\"open\n");
        for (int i = 0; i < 100; i++) sb.Append("4,5\n");
        Assert.Equal(
            "test.csv, line 3: unterminated quote (a quoted field opened on this line runs past 256 bytes)",
            ReadError(sb.ToString(), tiny: true));
    }

    [Fact]
    public void RandomInputsGiveTheSameResultOrErrorWhetherChunkedOrNot()
    {
        var rng = new Random(20261121);
        const string junk = "a1,\"\n \rT.-";
        string Field() => rng.Next(12) switch
        {
            0 or 1 or 2 => rng.Next(-50, 50).ToString(CultureInfo.InvariantCulture),
            3 => "NA",
            4 => rng.Next(2) == 0 ? "T" : "FALSE",
            5 => "\"" + rng.Next(10) + "\"",
            6 => "\"a,\"\"b\"\"\nc\"",
            7 => " x" + rng.Next(3) + " ",
            8 => "",
            _ => new string(Enumerable.Range(0, rng.Next(1, 4)).Select(_ => junk[rng.Next(junk.Length)]).ToArray()),
        };
        int ok = 0, failed = 0;
        for (int trial = 0; trial < 1000; trial++)
        {
            var sb = new StringBuilder("p,q\n");
            int records = rng.Next(0, 40);
            for (int r = 0; r < records; r++)
            {
                int fields = rng.Next(40) == 0 ? rng.Next(1, 4) : 2;
                sb.AppendJoin(',', Enumerable.Range(0, fields).Select(_ => Field()));
                sb.Append(rng.Next(3) == 0 ? "\r\n" : "\n");
                if (rng.Next(30) == 0) sb.Append('\n');
            }
            string csv = sb.ToString();
            string Outcome(bool tiny)
            {
                try
                {
                    var t = Read(csv, tiny: tiny);
                    return string.Join("|", t.Columns.Select(c =>
                        c.Kind + ":" + string.Join(";", Enumerable.Range(0, c.Length).Select(c.Format))));
                }
                catch (UserInputException e)
                {
                    return "error: " + e.Message;
                }
            }
            string expected = Outcome(false);
            Assert.Equal(expected, Outcome(true));
            if (expected.StartsWith("error: ", StringComparison.Ordinal)) failed++; else ok++;
        }
        Assert.True(ok > 100 && failed > 100, $"{ok} inputs read, {failed} rejected");
    }

    [Fact]
    public void UnsupportedDelimiterIsAnError()
    {
        var e = Assert.Throws<UserInputException>(() => Read("a\n1\n", new CsvReadOptions { Delimiter = '"' }));
        Assert.Contains("delimiter", e.Message);
    }

    [Fact]
    public void RoundTripOfASeededTableIsBitExact()
    {
        var rng = new Random(20261121);
        const int rows = 1000, cols = 5;
        var data = new double[cols, rows];
        var sb = new StringBuilder("x1,x2,x3,x4,x5\n");
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                double v = j switch
                {
                    0 => rng.NextDouble(),
                    1 => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-30, 30)),
                    2 => rng.Next(-1000, 1000),
                    3 => Math.Round(rng.NextDouble() * 100, 3),
                    _ => -rng.NextDouble() * 1e-300,
                };
                data[j, i] = v;
                sb.Append(v.ToString("R", CultureInfo.InvariantCulture)).Append(j < cols - 1 ? ',' : '\n');
            }
        }
        string path = Path.Combine(Path.GetTempPath(), $"fastglmm-roundtrip-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, sb.ToString());
            var t = CsvReader.ReadFile(path);
            Assert.Equal(path, t.Source);
            Assert.Equal(rows, t.RowCount);
            for (int j = 0; j < cols; j++)
            {
                var v = Num(t, $"x{j + 1}");
                for (int i = 0; i < rows; i++)
                    Assert.Equal(BitConverter.DoubleToInt64Bits(data[j, i]), BitConverter.DoubleToInt64Bits(v[i]));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ParallelChunkedParsingMatchesSingleChunkParsing()
    {
        // Quoted labels with newlines and delimiters, blank lines, and a column that turns to text
        // only near the end, so that chunks disagree about column types until they are merged.
        var rng = new Random(20261121);
        var sb = new StringBuilder("num,late,lab,flag\r\n");
        for (int i = 0; i < 3000; i++)
        {
            string late = i == 2900 ? "oops" : (rng.Next(10) == 0 ? "NA" : rng.Next(100).ToString(CultureInfo.InvariantCulture));
            string lab = rng.Next(5) switch { 0 => "\"a,\"\"b\"\"\"", 1 => "\"multi\nline\"", 2 => "plain", 3 => "", _ => $"\"{rng.Next(20)}\"" };
            string flag = rng.Next(3) switch { 0 => "T", 1 => "FALSE", _ => "NA" };
            sb.Append(CultureInfo.InvariantCulture, $"{rng.NextDouble() * 10 - 5:R},{late},{lab},{flag}\r\n");
            if (rng.Next(50) == 0) sb.Append("\r\n");
        }
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        var one = Read(bytes);
        var many = Read(bytes, tiny: true);
        Assert.Equal(3000, one.RowCount);
        Assert.Equal(ColumnKind.Numeric, one["num"].Kind);
        Assert.Equal(ColumnKind.Factor, one["late"].Kind);
        Assert.Equal(ColumnKind.Factor, one["lab"].Kind);
        Assert.Equal(ColumnKind.Logical, one["flag"].Kind);
        Assert.Equal(Num(one, "num"), Num(many, "num"));
        foreach (var name in new[] { "late", "lab" })
        {
            Assert.Equal(Assert.IsType<FactorColumn>(one[name]).Levels, Assert.IsType<FactorColumn>(many[name]).Levels);
            Assert.Equal(Labels(one, name), Labels(many, name));
        }
        Assert.Equal("oops", Labels(one, "late")[2900]);
        Assert.Contains("multi\nline", Labels(one, "lab"));
        Assert.Equal(((LogicalColumn)one["flag"]).Values.ToArray(), ((LogicalColumn)many["flag"]).Values.ToArray());
    }

    [Fact]
    public void NonSeekableStreamsAreRead()
    {
        var bytes = Encoding.UTF8.GetBytes("a,b\n1,u\n2,v\n");
        var t = CsvReader.Read(new NonSeekableStream(bytes), "pipe", options: null);
        Assert.Equal("pipe", t.Source);
        Assert.Equal([1.0, 2], Num(t, "a"));
        AssertLabels(["u", "v"], t, "b");
    }

    private sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 3));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
