using Parquet;
using Parquet.Schema;
using FastGlmm.Simulation;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// <c>simulate-data --out FILE.parquet</c>: the same rows as the CSV (y and x as doubles, g and h as strings
/// "g1" … and "h1" …, which R's <c>arrow::read_parquet</c> reads as character and lme4 as factors), in row groups of
/// 2²⁰ rows generated in parallel and written in order, so that memory stays at one row group.
/// </summary>
internal static class SyntheticParquet
{
    private const int RowGroup = 1 << 20;

    public static void Write(Stream stream, SyntheticModel sim) => WriteAsync(stream, sim).GetAwaiter().GetResult();

    private static async Task WriteAsync(Stream stream, SyntheticModel sim)
    {
        var fy = new DataField<double>("y");
        var fx = new DataField<double>("x");
        var fg = new DataField<string>("g");
        var fh = new DataField<string>("h");
        var schema = sim.Items > 0 ? new ParquetSchema(fy, fx, fg, fh) : new ParquetSchema(fy, fx, fg);
        var gNames = Enumerable.Range(1, sim.Clusters).Select(k => "g" + k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var hNames = Enumerable.Range(1, sim.Items).Select(k => "h" + k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, new ParquetOptions(), append: false);
        int n = sim.Rows;
        var y = new double[RowGroup];
        var x = new double[RowGroup];
        var g = new string[RowGroup];
        var h = new string[sim.Items > 0 ? RowGroup : 0];
        for (int lo = 0; lo < n; lo += RowGroup)
        {
            int rows = Math.Min(RowGroup, n - lo);
            Parallel.For(0, (rows + 65535) / 65536, c =>
            {
                for (int r = c * 65536; r < Math.Min(rows, (c + 1) * 65536); r++)
                {
                    var (yi, xi, gi) = sim.Row(lo + r);
                    y[r] = yi; x[r] = xi; g[r] = gNames[gi];
                    if (h.Length > 0) h[r] = hNames[sim.Item(lo + r)];
                }
            });
            using var rg = writer.CreateRowGroup();
            await rg.WriteAsync<double>(fy, y.AsMemory(0, rows));
            await rg.WriteAsync<double>(fx, x.AsMemory(0, rows));
            await rg.WriteAsync(fg, rows == RowGroup ? g : g[..rows]);
            if (sim.Items > 0) await rg.WriteAsync(fh, rows == RowGroup ? h : h[..rows]);
        }
    }
}
