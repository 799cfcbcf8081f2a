using System.Globalization;
using System.Text;
using CsCheck;
using FastGlmm.Data;
using FastGlmm.Data.Csv;

namespace FastGlmm.Tests.Properties;

/// <summary>
/// Property-based tests of the CSV reader (CsCheck generators, fixed seeds):
/// arbitrary bytes are read or refused with a one-line error naming the file; the result does not depend on how
/// the input is cut into segments and parallel chunks; and a table written with R's quoting reads back exactly
/// (numbers bit for bit, text labels character for character, NA as missing).
/// </summary>
public class CsvPropertyTests
{
    private static readonly CsvTuning Tiny = new(MaxSegmentBytes: 64, MinChunkBytes: 1, ChunksPerWorker: 64, MaxParallelism: 3);

    private static readonly string[] Pieces =
    [
        "a", "b", "y", "x", "1", "2.5", "-3", "1e5", "1e400", "-0", ".5", "5.", "0x10", "NA", "NaN", "Inf", "-Inf", "TRUE", "F",
        ",", ",", ",", ",", "\n", "\n", "\n", "\r\n", "\r", "\"", "\"\"", " ", "\t", ";", "ä", "名", "\u0000", "\uFEFF", "é",
    ];

    // Text made of CSV-ish pieces: delimiters, newlines, quotes, numbers, NA tokens, multibyte characters.
    private static readonly Gen<string> Text = Gen.OneOf(Pieces).Array[0, 80].Select(string.Concat);

    private static string Describe(DataTable t)
    {
        var sb = new StringBuilder();
        foreach (var c in t.Columns)
        {
            sb.Append(c.Name).Append(':').Append(c.Kind).Append('=');
            for (int i = 0; i < c.Length; i++) sb.Append(c.Format(i)).Append('|');
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Outcome(byte[] bytes, CsvTuning tuning)
    {
        try
        {
            return Describe(CsvReader.Read(new MemoryStream(bytes), "fuzz.csv", null, tuning));
        }
        catch (UserInputException e)
        {
            PropertyCheck.AssertOneLine(e.Message);
            Assert.StartsWith("fuzz.csv", e.Message);
            return "error: " + e.Message;
        }
    }

    [Fact]
    public void AnyBytes_ReadOrRefusedWithOneLine_WhateverTheChunking()
    {
        PropertyCheck.ForAll(Text, 8_000, seed: 42, text =>
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            string whole = Outcome(bytes, CsvTuning.Default);
            string cut = Outcome(bytes, Tiny);
            // Line numbers in errors and every parsed value must agree; only the segment-length limit may differ.
            if (!cut.Contains("longer than 64 bytes") && !cut.Contains("runs past 64 bytes")) Assert.Equal(whole, cut);
        }, text => text);
    }

    [Fact]
    public void RawBytes_NeverCrash()
    {
        PropertyCheck.ForAll(Gen.Byte.Array[0, 200], 4_000, seed: 43, bytes =>
        {
            Outcome(bytes, CsvTuning.Default);
            Outcome(bytes, Tiny);
        }, bytes => Convert.ToHexString(bytes));
    }

    private static readonly Gen<string> Label =
        Gen.OneOf("a", "b", "Z", ",", "\"", "\n", "\r\n", " ", "é", "名", "1", ".", "NA", "TRUE").Array[0, 6].Select(p => "k" + string.Concat(p));

    private static readonly Gen<double> Number = Gen.Frequency(
        (4, Gen.Double[-1e6, 1e6]), (1, Gen.Double), (1, Gen.Int[-1000, 1000].Select(i => (double)i)),
        (1, Gen.OneOf(double.NaN, 0.0, -0.0, 1e-300, 5e-324, double.MaxValue, 0.1, 1.0 / 3)));

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";

    [Fact]
    public void WrittenTables_ReadBackExactly()
    {
        var gen = Gen.Select(Gen.Int[1, 60], Gen.Int[1, 4], Gen.Int[1, 3]).SelectMany((rows, numCols, facCols) =>
            Gen.Select(Number.Array[rows * numCols], Label.Array[rows * facCols], Gen.Bool,
                (nums, labels, crlf) => (rows, numCols, facCols, nums, labels, crlf)));
        PropertyCheck.ForAll(gen, 4_000, seed: 44, c =>
        {
            var (rows, numCols, facCols, nums, labels, crlf) = c;
            string nl = crlf ? "\r\n" : "\n";
            var sb = new StringBuilder();
            sb.Append(string.Join(",", Enumerable.Range(0, numCols).Select(j => $"n{j}").Concat(Enumerable.Range(0, facCols).Select(j => Quote($"f {j}"))))).Append(nl);
            for (int i = 0; i < rows; i++)
            {
                var fields = Enumerable.Range(0, numCols).Select(j => nums[i * numCols + j])
                    .Select(v => double.IsNaN(v) ? "NA" : v.ToString("R", CultureInfo.InvariantCulture))
                    .Concat(Enumerable.Range(0, facCols).Select(j => Quote(labels[i * facCols + j])));
                sb.Append(string.Join(",", fields)).Append(nl);
            }
            var bytes = Encoding.UTF8.GetBytes(sb.ToString());
            foreach (var tuning in new[] { CsvTuning.Default, Tiny with { MaxSegmentBytes = 4096 } })
            {
                var t = CsvReader.Read(new MemoryStream(bytes), "rt.csv", null, tuning);
                Assert.Equal(rows, t.RowCount);
                for (int j = 0; j < numCols; j++)
                {
                    var col = Assert.IsType<NumericColumn>(t[$"n{j}"]).Values;
                    for (int i = 0; i < rows; i++)
                    {
                        double want = nums[i * numCols + j];
                        Assert.True(double.IsNaN(want) ? double.IsNaN(col[i]) : BitConverter.DoubleToInt64Bits(want) == BitConverter.DoubleToInt64Bits(col[i]),
                            $"row {i + 1}, n{j}: wrote {want:R}, read {col[i]:R}");
                    }
                }
                for (int j = 0; j < facCols; j++)
                {
                    var f = Assert.IsType<FactorColumn>(t[$"f {j}"]);
                    for (int i = 0; i < rows; i++) Assert.Equal(labels[i * facCols + j], f.Levels[f.Codes[i]]);
                }
            }
        }, c => $"{c.rows} rows, {c.numCols}+{c.facCols} columns");
    }
}
