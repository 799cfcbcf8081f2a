using System.CommandLine;
using System.Globalization;
using FastGlmm.Simulation;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// <c>fastglmm simulate-data</c>: writes a seeded synthetic data set (<see cref="SyntheticModel"/>: columns y, x, g)
/// to a CSV file, streamed in chunks formatted in parallel and written in row order, so any size fits in a fixed amount
/// of memory and the file is byte-identical for a seed on every machine and thread count. Users benchmark FastGlmm
/// against lme4 or glmmTMB on exactly the same file.
/// </summary>
internal static class SimulateDataCommand
{
    /// <summary>Rows formatted per chunk.</summary>
    private const int Chunk = 1 << 16;

    public static Command Create(TextWriter stdout)
    {
        var rows = new Option<int>("--rows") { Description = "Number of rows N", Required = true };
        var clusters = new Option<int>("--clusters") { Description = "Number of clusters G (levels of g, g1 … gG, N/G rows each, in order)", Required = true };
        var model = new Option<string>("--model") { Description = "intercept: η = β₀ + β₁x + b₀[g]; slope: also + b₁[g]x (SD 0.5)", DefaultValueFactory = _ => "intercept" };
        var response = new Option<string>("--response") { Description = "binary (Bernoulli, logit link), poisson (log link) or gaussian (σ = 1)", DefaultValueFactory = _ => "binary" };
        var seed = new Option<ulong>("--seed") { Description = "Seed; row i is a function of (seed, i) alone", Required = true };
        var beta0 = new Option<double>("--beta0") { Description = "Intercept β₀", DefaultValueFactory = _ => -0.5 };
        var beta1 = new Option<double>("--beta1") { Description = "Slope β₁ of x", DefaultValueFactory = _ => 1.0 };
        var sd = new Option<double>("--sd") { Description = "SD of the random intercepts b₀", DefaultValueFactory = _ => 1.0 };
        var items = new Option<int>("--items") { Description = "Levels of a crossed second factor h (h1 … hH, drawn uniformly per row; item effects with SD 0.5); 0 = none", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "The file to write, FILE.csv or FILE.parquet (columns y, x, g, and h with --items)", Required = true };
        var cmd = new Command("simulate-data", "Write a seeded synthetic mixed-model data set (y, x, g; with --items also a crossed factor h) to a CSV or Parquet file (by the extension), for benchmarks");
        foreach (var o in new Option[] { rows, clusters, items, model, response, seed, beta0, beta1, sd, output }) cmd.Options.Add(o);
        cmd.SetAction(r =>
        {
            int n = r.GetValue(rows), g = r.GetValue(clusters);
            if (n < 1) throw new UserInputException($"--rows {n}: at least 1 row");
            if (g < 1 || g > n) throw new UserInputException($"--clusters {g}: must lie between 1 and --rows ({n})");
            string m = r.GetValue(model)!;
            double sdSlope = m switch
            {
                "intercept" => 0,
                "slope" => 0.5,
                _ => throw new UserInputException($"--model {m}: use intercept or slope"),
            };
            string resp = r.GetValue(response)!;
            var kind = resp switch
            {
                "binary" => SyntheticResponse.Binary,
                "poisson" => SyntheticResponse.Poisson,
                "gaussian" => SyntheticResponse.Gaussian,
                _ => throw new UserInputException($"--response {resp}: use binary, poisson or gaussian"),
            };
            double sdi = r.GetValue(sd);
            if (!(sdi >= 0) || !double.IsFinite(sdi)) throw new UserInputException($"--sd {sdi}: must be a finite number ≥ 0");
            foreach (var (name, v) in new[] { ("--beta0", r.GetValue(beta0)), ("--beta1", r.GetValue(beta1)) })
                if (!double.IsFinite(v)) throw new UserInputException($"{name} {v}: must be a finite number");
            int h = r.GetValue(items);
            if (h < 0 || h > n) throw new UserInputException($"--items {h}: must lie between 0 and --rows ({n})");
            string path = r.GetValue(output)!;
            bool parquet = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);
            if (!parquet && !path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                throw new UserInputException($"--out {path}: simulate-data writes CSV or Parquet; give a file name ending in .csv or .parquet");
            OutputFile.Check(path);
            var sim = new SyntheticModel(n, g, kind, r.GetValue(seed), r.GetValue(beta0), r.GetValue(beta1), sdi, sdSlope, items: h);
            if (parquet) OutputFile.WriteBytes(path, s => SyntheticParquet.Write(s, sim));
            else OutputFile.Write(path, w => Write(w, sim));
            stdout.WriteLine($"{n} rows, {g} clusters{(h > 0 ? $" × {h} items" : "")} ({m}, {resp}) written to {path}");
            return 0;
        });
        return cmd;
    }

    /// <summary>The header <c>y,x,g</c> (and <c>h</c> with items), then row after row (x in the shortest round-trip form).</summary>
    public static void Write(TextWriter w, SyntheticModel sim)
    {
        w.Write(sim.Items > 0 ? "y,x,g,h\n" : "y,x,g\n");
        int n = sim.Rows, chunks = (n + Chunk - 1) / Chunk;
        // Eight chunks formatted in parallel, then written in order.
        const int Window = 8;
        for (int c0 = 0; c0 < chunks; c0 += Window)
        {
            int c1 = Math.Min(chunks, c0 + Window);
            var text = new string[c1 - c0];
            Parallel.For(c0, c1, c => text[c - c0] = Format(sim, c * Chunk, Math.Min(n, (c + 1) * Chunk)));
            foreach (var t in text) w.Write(t);
        }
    }

    private static string Format(SyntheticModel sim, int lo, int hi)
    {
        var sb = new System.Text.StringBuilder((hi - lo) * 32);
        Span<char> buf = stackalloc char[32];
        for (int i = lo; i < hi; i++)
        {
            var (y, x, g) = sim.Row(i);
            y.TryFormat(buf, out int k, "R", CultureInfo.InvariantCulture);
            sb.Append(buf[..k]).Append(',');
            x.TryFormat(buf, out k, "R", CultureInfo.InvariantCulture);
            sb.Append(buf[..k]).Append(",g");
            (g + 1).TryFormat(buf, out k, default, CultureInfo.InvariantCulture);
            sb.Append(buf[..k]);
            if (sim.Items > 0)
            {
                (sim.Item(i) + 1).TryFormat(buf, out k, default, CultureInfo.InvariantCulture);
                sb.Append(",h").Append(buf[..k]);
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
