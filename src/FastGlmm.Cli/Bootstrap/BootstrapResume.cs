using FastGlmm.Cli.Commands;

namespace FastGlmm.Cli.Bootstrap;

/// <summary>
/// <c>bootstrap --resume FILE</c>: the replicates an earlier run of the same bootstrap finished, read from FILE (the
/// --out file of a run stopped by a signal, or its <c>.partial</c> checkpoint after a kill) and from FILE.partial when
/// that exists too. They must be of the same bootstrap (formula, family, method, data, weights, seed, B) and shard.
/// </summary>
internal static class BootstrapResume
{
    /// <summary>The --out path a resumed run writes when none is given: FILE without a ".partial" ending.</summary>
    public static string OutPathFor(string file) =>
        file.EndsWith(".partial", StringComparison.Ordinal) ? file[..^".partial".Length] : file;

    /// <summary>The finished rows for this run's shard (replicates first … first + count − 1), one per replicate.</summary>
    public static List<BootstrapRow> Load(string file, BootstrapMetadata run, IReadOnlyList<string> statistics, long first, int count)
    {
        var sources = new List<(string Path, BootstrapRun Run)>();
        if (file.EndsWith(".partial", StringComparison.Ordinal))
        {
            if (!File.Exists(file)) throw new UserInputException($"--resume {file}: file not found");
            sources.Add((file, BootstrapCsv.Read(file, checkpoint: true)));
        }
        else
        {
            string partial = BootstrapCheckpoint.PathFor(file);
            if (File.Exists(file)) sources.Add((file, BootstrapMergeCommand.Read(file)));
            if (File.Exists(partial)) sources.Add((partial, BootstrapCsv.Read(partial, checkpoint: true)));
            if (sources.Count == 0) throw new UserInputException($"--resume {file}: neither {file} nor {partial} exists");
        }
        var rows = new Dictionary<long, BootstrapRow>();
        foreach (var (path, earlier) in sources)
        {
            if (run.FirstDifference(earlier.Metadata) is var (key, mine, theirs))
                throw new UserInputException($"--resume {path}: its {key} '{theirs}' differs from this run's '{mine}'; resume with the same options");
            if (earlier.Metadata.ShardPart != run.Shard)
                throw new UserInputException($"--resume {path}: it holds shard {earlier.Metadata.ShardPart}, this run is shard {run.Shard}");
            if (!earlier.Statistics.SequenceEqual(statistics))
                throw new UserInputException($"--resume {path}: its statistics differ from this run's");
            foreach (var row in earlier.Rows)
            {
                if (row.Replicate < first || row.Replicate >= first + count)
                    throw new UserInputException($"--resume {path}: replicate {row.Replicate} lies outside this shard ({first}..{first + count - 1})");
                rows.TryAdd(row.Replicate, row);
            }
        }
        return rows.Values.OrderBy(r => r.Replicate).ToList();
    }
}
