using System.CommandLine;
using FastGlmm.Cli.Bootstrap;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// <c>fastglmm bootstrap merge a.csv b.csv … [--out merged.csv]</c>: checks that the shards belong to one
/// bootstrap (formula, family, method, data, weights, seed, B and statistics agree) and do not overlap, reports
/// missing replicates, concatenates them sorted by replicate and prints the summary with the original
/// estimates from the files' metadata.
/// </summary>
internal static class BootstrapMergeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("files") { Description = "Bootstrap CSV, JSON, Parquet or Arrow files (shards of one bootstrap), or folders of them", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Write the merged replicates to a .csv, .json, .parquet or .arrow file" };
        var level = LevelOption();
        var quiet = new Option<bool>("--quiet") { Description = "Do not print the summary" };
        var cmd = new Command("merge", "Merge shards of one bootstrap (fastglmm bootstrap --shard k/n --out …) and summarize them");
        cmd.Arguments.Add(files);
        foreach (var opt in new Option[] { output, level, quiet }) cmd.Options.Add(opt);
        cmd.SetAction(r =>
        {
            string? outPath = r.GetValue(output);
            CheckOutPath(outPath);
            double lev = CheckLevel(r.GetValue(level));
            var merged = Merge(r.GetValue(files)!, stderr);
            Finish(stdout, stderr, merged, outPath, lev, r.GetValue(quiet), null);
            return 0;
        });
        return cmd;
    }

    /// <summary>The --level option shared with <c>bootstrap</c>.</summary>
    public static Option<double> LevelOption() => new("--level")
    {
        Description = "Confidence level of the percentile and basic intervals",
        DefaultValueFactory = _ => 0.95,
    };

    /// <summary>Checks that the level lies strictly between 0 and 1.</summary>
    public static double CheckLevel(double level) => level is > 0 and < 1 ? level
        : throw new UserInputException($"--level {level}: the confidence level must lie strictly between 0 and 1, e.g. 0.95");

    /// <summary>Checks that --out ends in .csv, .json or .parquet.</summary>
    public static void CheckOutPath(string? path)
    {
        if (path is not null && !IsCsv(path) && !IsJson(path) && !BootstrapColumnar.Applies(path))
            throw new UserInputException($"--out {path}: the file name must end in .csv, .json, .parquet or .arrow");
        OutputFile.Check(path);
    }

    /// <summary>Writes --out, then the summary (stdout), or under --quiet only the failures (stderr).</summary>
    public static void Finish(TextWriter stdout, TextWriter stderr, BootstrapRun run, string? outPath, double level, bool quiet, string? timing)
    {
        if (outPath is not null)
        {
            if (IsCsv(outPath)) BootstrapCsv.Write(outPath, run);
            else if (BootstrapColumnar.Applies(outPath)) BootstrapColumnar.Write(outPath, run);
            else BootstrapJson.Write(outPath, run, level);
        }
        if (!quiet) BootstrapSummary.Write(stdout, run, level, timing);
        else if (run.Rows.Any(x => !x.Ok)) BootstrapSummary.WriteFailures(stderr, run);
    }

    /// <summary>
    /// Reads and merges the files (a folder stands for its bootstrap files, in name order); mismatched metadata or
    /// overlapping replicates are one-line errors. Shards k/n of one split that are absent are named, with the 0-based
    /// task index a Slurm array or Kubernetes Indexed Job gives them.
    /// </summary>
    public static BootstrapRun Merge(IReadOnlyList<string> paths, TextWriter stderr)
    {
        var runs = Expand(paths).Select(p => (Path: p, Run: Read(p))).ToArray();
        var (firstPath, first) = runs[0];
        var owner = new Dictionary<long, string>();
        var rows = new List<BootstrapRow>();
        foreach (var (path, run) in runs)
        {
            if (first.Metadata.FirstDifference(run.Metadata) is var (key, a, v))
                throw new UserInputException($"{path}: {key} '{v}' differs from {firstPath}'s '{a}'; shards of one bootstrap must agree on formula, family, method, data, weights, seed and B");
            if (!run.Statistics.SequenceEqual(first.Statistics))
                throw new UserInputException($"{path}: its statistics ({string.Join(", ", run.Statistics)}) differ from {firstPath}'s");
            if (!run.Original.Zip(first.Original).All(t => Close(t.First, t.Second)))
                stderr.WriteLine($"note: {path}: its original estimates differ slightly from {firstPath}'s; the summary uses {firstPath}'s");
            foreach (var row in run.Rows)
            {
                if (row.Replicate < 0 || row.Replicate >= first.Metadata.B)
                    throw new UserInputException($"{path}: replicate {row.Replicate} lies outside 0..{first.Metadata.B - 1} (B = {first.Metadata.B})");
                if (owner.TryGetValue(row.Replicate, out var other))
                    throw new UserInputException($"{path}: replicate {row.Replicate} is also in {other}; the shards overlap");
                owner[row.Replicate] = path;
                rows.Add(row);
            }
        }
        var merged = new BootstrapRun(first.Metadata with { Shard = "merged" }, first.Statistics, first.Original,
            rows.OrderBy(r => r.Replicate).ToArray());
        if (MissingShards(runs.Select(x => x.Run.Metadata.Shard)) is { } absent) stderr.WriteLine(absent);
        int missing = first.Metadata.B - rows.Count;
        if (missing > 0)
            stderr.WriteLine($"note: {missing} of {first.Metadata.B} replicates are missing ({BootstrapRun.Ranges(BootstrapSummary.Missing(merged))}); the summary uses the {rows.Count} present");
        return merged;
    }

    /// <summary>The files: each path as given, a folder replaced by its .csv, .json, .parquet and .arrow files in ordinal name order.</summary>
    private static List<string> Expand(IReadOnlyList<string> paths)
    {
        var files = new List<string>();
        foreach (var p in paths)
        {
            if (!Directory.Exists(p)) { files.Add(p); continue; }
            var inside = Directory.GetFiles(p).Where(f => IsCsv(f) || IsJson(f) || BootstrapColumnar.Applies(f)).Order(StringComparer.Ordinal).ToArray();
            if (inside.Length == 0) throw new UserInputException($"{p}: the folder holds no bootstrap .csv, .json, .parquet or .arrow files");
            files.AddRange(inside);
        }
        return files;
    }

    /// <summary>
    /// When every file is a shard k/n of one split n, a note naming the shards absent from 1 … n, with their 0-based
    /// scheduler indices (k − 1); null when none is missing or the files are not such shards.
    /// </summary>
    private static string? MissingShards(IEnumerable<string> labels)
    {
        int n = -1;
        var seen = new HashSet<int>();
        foreach (var label in labels)
        {
            if (!BootstrapCommand.TryParseShard(label, out int k, out int m) || (n >= 0 && m != n)) return null;
            n = m;
            seen.Add(k);
        }
        if (n < 1) return null;
        var absent = Enumerable.Range(1, n).Where(k => !seen.Contains(k)).ToArray();
        if (absent.Length == 0) return null;
        static string Shown<T>(IEnumerable<T> xs) => xs.Count() > 20 ? string.Join(", ", xs.Take(20)) + ", …" : string.Join(", ", xs);
        return $"note: {absent.Length} of {n} shards are missing: {Shown(absent.Select(k => $"{k}/{n}"))} " +
            $"(Slurm array task or Kubernetes index {Shown(absent.Select(k => k - 1))})";
    }

    /// <summary>Reads a complete bootstrap file, CSV or JSON by its extension.</summary>
    public static BootstrapRun Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: file not found");
        return IsJson(path) ? BootstrapJson.Read(path) : BootstrapColumnar.Applies(path) ? BootstrapColumnar.Read(path) : BootstrapCsv.Read(path);
    }

    private static bool Close(double a, double b) =>
        (double.IsNaN(a) && double.IsNaN(b)) || Math.Abs(a - b) <= 1e-6 * Math.Max(1, Math.Abs(a));

    public static bool IsCsv(string p) => p.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    private static bool IsJson(string p) => p.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
}
