using System.Globalization;
using System.Text;

namespace FastGlmm.Cli.Bootstrap;

/// <summary>
/// The bootstrap CSV: comment lines <c># key: value</c> after a first line <c># fastglmm bootstrap</c> carry the
/// metadata (formula, family, method, data, weights, seed, B, shard) and the original estimates; then a header
/// <c>replicate,status,failure,&lt;statistics…&gt;</c> and one row per replicate (0-based index, ok/failed, the
/// failure text, the statistics in round-trip precision, NA where missing). Fields are quoted as RFC 4180 says.
/// </summary>
internal static class BootstrapCsv
{
    /// <summary>The first line of every bootstrap CSV.</summary>
    public const string Magic = "# fastglmm bootstrap";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the run to <paramref name="path"/>.</summary>
    public static void Write(string path, BootstrapRun run)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        var m = run.Metadata;
        w.WriteLine(Magic);
        foreach (var (k, v) in m.Identity()) w.WriteLine($"# {k}: {v}");
        w.WriteLine($"# shard: {m.Shard}");
        w.WriteLine($"# replicates: {BootstrapRun.Ranges(run.Rows.Select(r => r.Replicate))}");
        w.WriteLine("# original: " + string.Join(",", run.Original.Select(Number)));
        w.WriteLine(string.Join(",", new[] { "replicate", "status", "failure" }.Concat(run.Statistics).Select(Quote)));
        foreach (var r in run.Rows)
            w.WriteLine(string.Join(",", new[] { r.Replicate.ToString(Inv), r.Status, Quote(r.Failure ?? "") }.Concat(r.Values.Select(Number))));
    }

    /// <summary>Reads a bootstrap CSV; a malformed file is a <see cref="UserInputException"/> naming it.</summary>
    public static BootstrapRun Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].TrimEnd() != Magic)
            throw new UserInputException($"{path}: not a fastglmm bootstrap CSV (its first line is not '{Magic}')");
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        int i = 1;
        for (; i < lines.Length && lines[i].StartsWith('#'); i++)
        {
            int c = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (c > 0) meta[lines[i][1..c].Trim()] = lines[i][(c + 1)..].Trim();
        }
        string Get(string key) => meta.TryGetValue(key, out var v) ? v
            : throw new UserInputException($"{path}: the metadata line '# {key}: …' is missing");
        if (i >= lines.Length) throw new UserInputException($"{path}: no header row after the metadata");
        var header = Split(lines[i], path, i);
        if (header.Length < 3 || header[0] != "replicate" || header[1] != "status" || header[2] != "failure")
            throw new UserInputException($"{path}: line {i + 1}: the header must start with replicate,status,failure");
        var stats = header[3..];
        var original = Split(Get("original"), path, 0).Select(s => Parse(s, path, 0)).ToArray();
        if (original.Length != stats.Length)
            throw new UserInputException($"{path}: {original.Length} original estimates for {stats.Length} statistics");
        var rows = new List<BootstrapRow>();
        for (i++; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = Split(lines[i], path, i);
            if (f.Length != header.Length)
                throw new UserInputException($"{path}: line {i + 1} has {f.Length} fields, the header {header.Length}");
            if (!long.TryParse(f[0], NumberStyles.Integer, Inv, out long rep))
                throw new UserInputException($"{path}: line {i + 1}: replicate '{f[0]}' is not an integer");
            string? failure = f[1] switch
            {
                "ok" => null,
                "failed" => f[2].Length > 0 ? f[2] : "failed (no reason recorded)",
                _ => throw new UserInputException($"{path}: line {i + 1}: status '{f[1]}' is neither ok nor failed"),
            };
            rows.Add(new BootstrapRow(rep, failure, f[3..].Select(s => Parse(s, path, i)).ToArray()));
        }
        ulong seed = ulong.TryParse(Get("seed"), NumberStyles.Integer, Inv, out var sd) ? sd
            : throw new UserInputException($"{path}: seed '{Get("seed")}' is not a non-negative integer");
        int b = int.TryParse(Get("B"), NumberStyles.Integer, Inv, out var bb) ? bb
            : throw new UserInputException($"{path}: B '{Get("B")}' is not an integer");
        var m = new BootstrapMetadata(Get("formula"), Get("family"), Get("method"), Get("data"),
            meta.GetValueOrDefault("weights", ""), seed, b, meta.GetValueOrDefault("shard", "all"));
        return new BootstrapRun(m, stats, original, rows);
    }

    private static string Number(double v) => double.IsNaN(v) ? "NA" : v.ToString("R", Inv);

    private static double Parse(string s, string path, int line) =>
        s is "NA" or "" or "NaN" ? double.NaN
        : double.TryParse(s, NumberStyles.Float, Inv, out double v) ? v
        : throw new UserInputException($"{path}: line {line + 1}: '{s}' is not a number");

    /// <summary>Quotes a field when it holds a comma, a quote or surrounding blanks.</summary>
    public static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 || s.Trim() != s ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    /// <summary>Splits one CSV line into its fields (RFC 4180 quoting; no line breaks inside fields).</summary>
    public static string[] Split(string line, string path, int lineIndex)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        int i = 0;
        while (true)
        {
            sb.Clear();
            if (i < line.Length && line[i] == '"')
            {
                for (i++; ; i++)
                {
                    if (i >= line.Length) throw new UserInputException($"{path}: line {lineIndex + 1}: unterminated quoted field");
                    if (line[i] != '"') sb.Append(line[i]);
                    else if (i + 1 < line.Length && line[i + 1] == '"') sb.Append(line[++i]);
                    else { i++; break; }
                }
                if (i < line.Length && line[i] != ',')
                    throw new UserInputException($"{path}: line {lineIndex + 1}: text after a closing quote");
            }
            else
                for (; i < line.Length && line[i] != ','; i++) sb.Append(line[i]);
            fields.Add(sb.ToString());
            if (i >= line.Length) return fields.ToArray();
            i++; // the comma
        }
    }
}
