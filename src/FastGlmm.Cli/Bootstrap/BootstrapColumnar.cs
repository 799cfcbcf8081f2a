using System.Globalization;
using FastGlmm.Cli.Commands;
using FastGlmm.Data;
using FastGlmm.Data.Parquet;
using Parquet;

namespace FastGlmm.Cli.Bootstrap;

/// <summary>
/// The bootstrap replicates as a Parquet or an Arrow IPC file (<c>.arrow</c>, as MixedModels.jl saves replicates), for
/// R's and Python's Arrow libraries: the CSV's columns
/// <c>replicate</c> (int32, 0-based), <c>status</c> ("ok" or "failed"), <c>failure</c> (string, null when ok) and one
/// double column per statistic (null where NA), one row per replicate in replicate order; the CSV's metadata goes to the
/// file's key–value metadata under <c>fastglmm.</c> keys: <c>fastglmm.bootstrap</c> (the format version, "1"),
/// <c>fastglmm.formula</c>, <c>.family</c>, <c>.method</c>, <c>.data</c>, <c>.weights</c>, <c>.seed</c>, <c>.B</c>,
/// <c>.shard</c>, <c>.replicates</c> (the indices as ranges) and <c>.original</c> (the original estimates, comma-separated,
/// in the statistics' column order). In R: <c>arrow::read_parquet(f)</c>, metadata in
/// <c>arrow::read_parquet(f, as_data_frame = FALSE)$metadata</c>; in Python: <c>pyarrow.parquet.read_table(f)</c> and its
/// <c>schema.metadata</c> (for .arrow: <c>arrow::read_feather</c>, <c>pyarrow.ipc.open_file</c>).
/// </summary>
internal static class BootstrapColumnar
{
    private const string Prefix = "fastglmm.";

    /// <summary>Whether <paramref name="path"/> names a Parquet or Arrow IPC file.</summary>
    public static bool Applies(string path) => ParquetOutput.Applies(path) || IsArrow(path);

    private static bool IsArrow(string path) => path.EndsWith(".arrow", StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes the run to <paramref name="path"/>, whole or not at all.</summary>
    public static void Write(string path, BootstrapRun run)
    {
        var inv = CultureInfo.InvariantCulture;
        var meta = new Dictionary<string, string> { [Prefix + "bootstrap"] = "1" };
        foreach (var (k, v) in run.Metadata.Identity()) meta[Prefix + k] = v;
        meta[Prefix + "shard"] = run.Metadata.Shard;
        meta[Prefix + "replicates"] = BootstrapRun.Ranges(run.Rows.Select(r => r.Replicate));
        meta[Prefix + "original"] = string.Join(",", run.Original.Select(v => double.IsNaN(v) ? "NA" : v.ToString("R", inv)));
        var rows = run.Rows;
        var columns = new List<ParquetOutput.Column>
        {
            new ParquetOutput.Int("replicate", k => checked((int)rows[k].Replicate)),
            new ParquetOutput.Text("status", k => rows[k].Status),
            new ParquetOutput.Text("failure", k => rows[k].Failure!),
        };
        for (int j = 0; j < run.Statistics.Count; j++)
        {
            int jj = j;
            columns.Add(new ParquetOutput.Number(run.Statistics[j], k => rows[k].Values[jj]));
        }
        if (IsArrow(path)) OutputFile.WriteBytes(path, s => ArrowOutput.Write(s, rows.Count, columns, meta));
        else OutputFile.WriteBytes(path, s => ParquetOutput.Write(s, rows.Count, columns, meta));
    }

    /// <summary>Reads a bootstrap Parquet or Arrow file; one that is not such a file is a one-line error naming it.</summary>
    public static BootstrapRun Read(string path)
    {
        var meta = Metadata(path);
        string Get(string key) => meta.TryGetValue(Prefix + key, out var v) ? v
            : throw new UserInputException($"{path}: the file metadata '{Prefix}{key}' is missing");
        if (!meta.ContainsKey(Prefix + "bootstrap"))
            throw new UserInputException($"{path}: not a fastglmm bootstrap {(IsArrow(path) ? "Arrow" : "Parquet")} file (no '{Prefix}bootstrap' metadata)");
        var table = IsArrow(path) ? FastGlmm.Data.Arrow.ArrowTableReader.Read(path) : ParquetTableReader.Read(path);
        var names = table.ColumnNames.ToArray();
        if (names.Length < 3 || names[0] != "replicate" || names[1] != "status" || names[2] != "failure")
            throw new UserInputException($"{path}: the columns must start with replicate, status, failure");
        var stats = names[3..];
        var inv = CultureInfo.InvariantCulture;
        var original = Get("original").Split(',').Select(x => x == "NA" ? double.NaN
            : double.TryParse(x, NumberStyles.Float, inv, out var v) ? v
            : throw new UserInputException($"{path}: original estimate '{UserText.Clip(x)}' is not a number")).ToArray();
        if (original.Length != stats.Length)
            throw new UserInputException($"{path}: {original.Length} original estimates for {stats.Length} statistics");
        var rep = (NumericColumn)table["replicate"];
        var status = table["status"];
        var failure = table["failure"];
        var values = stats.Select(s => table[s] as NumericColumn
            ?? throw new UserInputException($"{path}: statistic column '{UserText.Clip(s)}' is not numeric")).ToArray();
        var rows = new List<BootstrapRow>(table.RowCount);
        for (int i = 0; i < table.RowCount; i++)
        {
            string? why = status.Format(i) switch
            {
                "ok" => null,
                "failed" => failure.IsMissing(i) ? "failed (no reason recorded)" : failure.Format(i),
                var st => throw new UserInputException($"{path}: row {i + 1}: status '{UserText.Clip(st)}' is neither ok nor failed"),
            };
            rows.Add(new BootstrapRow((long)rep.Values[i], why, values.Select(c => c.Values[i]).ToArray()));
        }
        ulong seed = ulong.TryParse(Get("seed"), NumberStyles.Integer, inv, out var sd) ? sd
            : throw new UserInputException($"{path}: seed '{UserText.Clip(Get("seed"))}' is not a non-negative integer");
        int b = int.TryParse(Get("B"), NumberStyles.Integer, inv, out var bb) ? bb
            : throw new UserInputException($"{path}: B '{UserText.Clip(Get("B"))}' is not an integer");
        var m = new BootstrapMetadata(Get("formula"), Get("family"), Get("method"), Get("data"),
            meta.GetValueOrDefault(Prefix + "weights", ""), seed, b, meta.GetValueOrDefault(Prefix + "shard", "all"));
        return new BootstrapRun(m, stats, original, rows);
    }

    private static Dictionary<string, string> Metadata(string path)
    {
        try
        {
            return MetadataAsync(path).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not UserInputException and not OutOfMemoryException)
        {
            throw new UserInputException($"{path}: not a readable {(IsArrow(path) ? "Arrow IPC" : "Parquet")} file ({UserText.Clip(UserText.OneLine(e.Message), 120)})");
        }
    }

    private static async Task<Dictionary<string, string>> MetadataAsync(string path)
    {
        if (IsArrow(path))
        {
            await using var fs = File.OpenRead(path);
            using var ar = new Apache.Arrow.Ipc.ArrowFileReader(fs);
            return new Dictionary<string, string>(ar.Schema.Metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        }
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        return new Dictionary<string, string>(reader.CustomMetadata, StringComparer.Ordinal);
    }
}
