using System.Text.Json;
using FastGlmm.Cli.Commands;

namespace FastGlmm.Cli.Bootstrap;

/// <summary>
/// The bootstrap as JSON (snake_case, NaN as null): the metadata, the statistic names, the original estimates,
/// the summary at the chosen level, and every replicate with its status, failure and values.
/// </summary>
internal static class BootstrapJson
{
    /// <summary>The value of the "fastglmm" property that marks a bootstrap file.</summary>
    public const string Kind = "bootstrap";

    private sealed record Document(string Fastglmm, string Formula, string Family, string Method, string Data, string Weights,
        ulong Seed, int B, string Shard, double Level, string[] Statistics, double[] Original,
        StatisticSummary[] Summary, ReplicateDto[] Replicates);

    private sealed record ReplicateDto(long Replicate, string Status, string? Failure, double[] Values);

    /// <summary>Writes the run, with its summary at <paramref name="level"/>, to <paramref name="path"/>.</summary>
    public static void Write(string path, BootstrapRun run, double level)
    {
        var m = run.Metadata;
        var doc = new Document(Kind, m.Formula, m.Family, m.Method, m.Data, m.Weights, m.Seed, m.B, m.Shard, level,
            run.Statistics.ToArray(), run.Original, BootstrapSummary.Compute(run, level),
            run.Rows.Select(r => new ReplicateDto(r.Replicate, r.Status, r.Failure, r.Values)).ToArray());
        OutputFile.WriteText(path, JsonSerializer.Serialize(doc, FitJson.Options) + Environment.NewLine);
    }

    /// <summary>Reads a bootstrap JSON file written by <see cref="Write"/>.</summary>
    public static BootstrapRun Read(string path)
    {
        Document? d;
        try
        {
            d = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), FitJson.Options);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: not a fastglmm bootstrap JSON file ({e.Message.Split('\n')[0]})");
        }
        if (d is null || d.Fastglmm != Kind || d.Formula is null || d.Family is null || d.Method is null || d.Data is null
            || d.Statistics is null || d.Original is null || d.Replicates is null)
            throw new UserInputException($"{path}: not a fastglmm bootstrap JSON file (no \"fastglmm\": \"{Kind}\")");
        var rows = d.Replicates.Select(r => new BootstrapRow(r.Replicate,
            r.Status == "ok" ? null : r.Failure ?? "failed (no reason recorded)", r.Values ?? [])).ToArray();
        if (rows.Any(r => r.Values.Length != d.Statistics.Length))
            throw new UserInputException($"{path}: a replicate's values do not match the {d.Statistics.Length} statistics");
        var m = new BootstrapMetadata(d.Formula, d.Family, d.Method, d.Data, d.Weights ?? "", d.Seed, d.B, d.Shard ?? "all");
        return new BootstrapRun(m, d.Statistics, d.Original, rows);
    }
}
