using FastGlmm.Cli.Commands;
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

    /// <summary>The start of the last line of a complete file: <c># end: N replicates, fnv1a64 HEX</c>.</summary>
    public const string EndKey = "# end:";

    /// <summary>
    /// Writes the run to <paramref name="path"/>, whole or not at all (<see cref="OutputFile.Write"/>), ending with the
    /// <see cref="EndKey"/> line: the number of replicate rows and an FNV-1a 64 checksum of every line before it, so a
    /// truncated or altered file is refused by <see cref="Read"/>.
    /// </summary>
    public static void Write(string path, BootstrapRun run) => OutputFile.Write(path, w =>
    {
        ulong hash = FnvOffset;
        void Line(string line)
        {
            w.Write(line);
            w.Write('\n');
            hash = Fnv(hash, line);
        }
        foreach (var line in Head(run.Metadata, run.Statistics, run.Original, run.Rows.Select(r => r.Replicate))) Line(line);
        foreach (var r in run.Rows) Line(Row(r));
        w.Write(FormattableString.Invariant($"{EndKey} {run.Rows.Count} replicates, fnv1a64 {hash:x16}\n"));
    });

    /// <summary>
    /// The metadata lines and the header row; with <paramref name="replicates"/> null (a checkpoint, whose replicates
    /// are not known yet) without the <c># replicates:</c> line.
    /// </summary>
    public static IEnumerable<string> Head(BootstrapMetadata m, IReadOnlyList<string> statistics, double[] original, IEnumerable<long>? replicates)
    {
        yield return Magic;
        foreach (var (k, v) in m.Identity()) yield return $"# {k}: {v}";
        yield return $"# shard: {m.Shard}";
        if (replicates is not null) yield return $"# replicates: {BootstrapRun.Ranges(replicates)}";
        yield return "# original: " + string.Join(",", original.Select(Number));
        yield return string.Join(",", new[] { "replicate", "status", "failure" }.Concat(statistics).Select(Quote));
    }

    /// <summary>One replicate's row.</summary>
    public static string Row(BootstrapRow r) =>
        string.Join(",", new[] { r.Replicate.ToString(Inv), r.Status, Quote(r.Failure ?? "") }.Concat(r.Values.Select(Number)));

    private const ulong FnvOffset = 14695981039346656037UL;

    /// <summary>FNV-1a 64 over the line's UTF-16 code units and a line feed.</summary>
    private static ulong Fnv(ulong hash, string line)
    {
        const ulong prime = 1099511628211UL;
        foreach (char c in line) hash = (hash ^ c) * prime;
        return (hash ^ '\n') * prime;
    }

    /// <summary>
    /// Reads a bootstrap CSV; a malformed, truncated or altered file is a <see cref="UserInputException"/> naming it.
    /// With <paramref name="checkpoint"/>, reads a checkpoint instead (<see cref="BootstrapCheckpoint"/>): no end line,
    /// and a last line cut short by a kill is left out.
    /// </summary>
    public static BootstrapRun Read(string path, bool checkpoint = false)
    {
        var text = File.ReadAllText(path);
        var lines = text.Split('\n');
        int count = lines.Length;
        if (count > 0 && lines[count - 1].Length == 0) count--;            // the final line feed
        else if (checkpoint && count > 0) count--;                         // a line the kill cut short
        for (int k = 0; k < count; k++) lines[k] = lines[k].TrimEnd('\r');
        if (count == 0 || lines[0] != Magic)
            throw new UserInputException($"{path}: not a fastglmm bootstrap CSV (its first line is not '{Magic}')");
        if (!checkpoint) count = CheckEnd(path, lines, count);
        lines = lines[..count];
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

    /// <summary>Verifies the end line of a complete file; returns the number of lines before it.</summary>
    private static int CheckEnd(string path, string[] lines, int count)
    {
        string last = lines[count - 1];
        string resume = $"; if a run was killed while writing it, finish the run with bootstrap --resume {path}";
        if (!last.StartsWith(EndKey, StringComparison.Ordinal))
            throw new UserInputException($"{path}: incomplete bootstrap file (no '{EndKey}' line at its end){resume}");
        var parts = last[EndKey.Length..].Trim().Split(' ');
        ulong hash = FnvOffset;
        for (int k = 0; k < count - 1; k++) hash = Fnv(hash, lines[k]);
        int rows = 0;
        for (int k = 0; k < count - 1; k++) if (lines[k].Length > 0 && !lines[k].StartsWith('#')) rows++;
        rows--; // the header row
        if (parts.Length != 4 || parts[1] != "replicates," || parts[2] != "fnv1a64"
            || !long.TryParse(parts[0], NumberStyles.None, Inv, out long n))
            throw new UserInputException($"{path}: malformed end line '{Cut(last)}'");
        if (n != rows)
            throw new UserInputException($"{path}: the end line counts {n} replicates but the file has {rows}{resume}");
        if (!parts[3].Equals(hash.ToString("x16", Inv), StringComparison.Ordinal))
            throw new UserInputException($"{path}: the checksum does not match the contents (the file was altered or damaged)");
        return count - 1;
    }

    /// <summary>At most 80 characters of <paramref name="s"/>, for an error message.</summary>
    private static string Cut(string s) => s.Length <= 80 ? s : s[..77] + "...";

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
