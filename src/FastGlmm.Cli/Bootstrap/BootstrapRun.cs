using System.Globalization;

namespace FastGlmm.Cli.Bootstrap;

/// <summary>
/// What identifies one bootstrap: shards of it agree on all of this (<see cref="Identity"/>) and can be merged.
/// </summary>
/// <param name="Formula">The model formula as given.</param>
/// <param name="Family">Family and link, e.g. binomial(logit).</param>
/// <param name="Method">REML, ML, Laplace, AGQ(k), …</param>
/// <param name="Data">The data source (built-in name or CSV path as given).</param>
/// <param name="Weights">The prior-weights column, or "" for none.</param>
/// <param name="Seed">The simulation seed.</param>
/// <param name="B">The total number of replicates of the bootstrap (all shards).</param>
/// <param name="Shard">Which part of it a file holds: "k/n", "all", or "merged", with ", interrupted" when the run
/// was stopped before it finished.</param>
internal sealed record BootstrapMetadata(string Formula, string Family, string Method, string Data, string Weights,
    ulong Seed, int B, string Shard)
{
    private const string InterruptedSuffix = ", interrupted";

    /// <summary>The label of a shard whose run was stopped early: "all, interrupted", "2/8, interrupted".</summary>
    public static string Interrupted(string shard) => shard + InterruptedSuffix;

    /// <summary>Whether the file's run was stopped before it finished.</summary>
    public bool IsInterrupted => Shard.EndsWith(InterruptedSuffix, StringComparison.Ordinal);

    /// <summary>The shard label without ", interrupted".</summary>
    public string ShardPart => IsInterrupted ? Shard[..^InterruptedSuffix.Length] : Shard;

    /// <summary>The first identity field (<see cref="Identity"/>) on which <paramref name="other"/> differs, or null.</summary>
    public (string Key, string Mine, string Theirs)? FirstDifference(BootstrapMetadata other)
    {
        foreach (var ((key, a), (_, b)) in Identity().Zip(other.Identity()))
            if (a != b) return (key, a, b);
        return null;
    }

    /// <summary>The fields shards must agree on, as (name, text) pairs.</summary>
    public IEnumerable<(string Key, string Value)> Identity()
    {
        yield return ("formula", Formula);
        yield return ("family", Family);
        yield return ("method", Method);
        yield return ("data", Data);
        yield return ("weights", Weights);
        yield return ("seed", Seed.ToString(CultureInfo.InvariantCulture));
        yield return ("B", B.ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>One replicate's statistics (NaN where unavailable), and its failure reason (null when it succeeded).</summary>
internal sealed record BootstrapRow(long Replicate, string? Failure, double[] Values)
{
    /// <summary>True when the refit succeeded.</summary>
    public bool Ok => Failure is null;

    /// <summary>"ok" or "failed".</summary>
    public string Status => Ok ? "ok" : "failed";
}

/// <summary>A bootstrap run or a merge of shards: metadata, statistic names, original estimates, replicates.</summary>
internal sealed record BootstrapRun(BootstrapMetadata Metadata, IReadOnlyList<string> Statistics, double[] Original,
    IReadOnlyList<BootstrapRow> Rows)
{
    /// <summary>Replicate indices as compact ranges, e.g. "0-19, 25, 30-39" ("none" when empty).</summary>
    public static string Ranges(IEnumerable<long> indices)
    {
        var s = indices.Order().ToArray();
        if (s.Length == 0) return "none";
        var parts = new List<string>();
        int i = 0;
        while (i < s.Length)
        {
            int j = i;
            while (j + 1 < s.Length && s[j + 1] == s[j] + 1) j++;
            parts.Add(i == j ? s[i].ToString(CultureInfo.InvariantCulture) : FormattableString.Invariant($"{s[i]}-{s[j]}"));
            i = j + 1;
        }
        return string.Join(", ", parts);
    }
}
