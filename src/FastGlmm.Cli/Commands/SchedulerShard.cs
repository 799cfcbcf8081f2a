using System.Globalization;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// The bootstrap shard a job scheduler assigns: without <c>--shard</c>, a Slurm array task runs shard
/// <c>SLURM_ARRAY_TASK_ID + 1</c> of <c>SLURM_ARRAY_TASK_COUNT</c>, and a Kubernetes Indexed Job's pod shard
/// <c>JOB_COMPLETION_INDEX + 1</c> of <c>--shards N</c> (both schedulers number tasks from 0; shards are numbered from 1).
/// An explicit <c>--shard k/n</c> that names another shard than the environment is an error, as are an index outside
/// 0 … count − 1, a count without an index and an index without a count.
/// </summary>
internal static class SchedulerShard
{
    private static readonly AsyncLocal<IReadOnlyDictionary<string, string>?> _override = new();

    /// <summary>For tests: the environment variables seen in this asynchronous flow (null: the process's).</summary>
    internal static IReadOnlyDictionary<string, string>? EnvironmentOverride { get => _override.Value; set => _override.Value = value; }

    private static string? Variable(string name) =>
        EnvironmentOverride is { } o ? (o.TryGetValue(name, out var v) ? v : null) : Environment.GetEnvironmentVariable(name);

    /// <summary>
    /// The shard as <c>k/n</c> text for <see cref="BootstrapCommand.Shard"/> (null: all replicates) and, when a scheduler
    /// chose it, a note naming the variables it came from.
    /// </summary>
    /// <exception cref="UserInputException">The options and the environment disagree or are incomplete.</exception>
    public static (string? Shard, string? Note) Resolve(string? shardOption, int? shardsOption)
    {
        string? slurmId = Variable("SLURM_ARRAY_TASK_ID"), slurmCount = Variable("SLURM_ARRAY_TASK_COUNT");
        string? k8sIndex = Variable("JOB_COMPLETION_INDEX");
        (int K, int N, string Source)? scheduled = null;
        if (!string.IsNullOrWhiteSpace(slurmId))
        {
            if (string.IsNullOrWhiteSpace(slurmCount))
                throw new UserInputException($"SLURM_ARRAY_TASK_ID={Clip(slurmId)} is set but SLURM_ARRAY_TASK_COUNT is not; run the bootstrap as an array job (sbatch --array=0-N) or give --shard k/n");
            int id = Index("SLURM_ARRAY_TASK_ID", slurmId), n = Count("SLURM_ARRAY_TASK_COUNT", slurmCount);
            if (id >= n)
                throw new UserInputException($"SLURM_ARRAY_TASK_ID={id} is not below SLURM_ARRAY_TASK_COUNT={n}: number the array from 0 (sbatch --array=0-{n - 1})");
            if (shardsOption is { } s && s != n)
                throw new UserInputException($"--shards {s} conflicts with SLURM_ARRAY_TASK_COUNT={n}; drop --shards (Slurm gives the count)");
            scheduled = (id + 1, n, $"SLURM_ARRAY_TASK_ID={id} of SLURM_ARRAY_TASK_COUNT={n}");
        }
        else if (!string.IsNullOrWhiteSpace(k8sIndex))
        {
            int index = Index("JOB_COMPLETION_INDEX", k8sIndex);
            if (shardsOption is not { } n)
                throw new UserInputException($"JOB_COMPLETION_INDEX={index} is set (a Kubernetes Indexed Job): give the number of shards, the Job's completions, with --shards N");
            if (n < 1) throw new UserInputException($"--shards {n}: the number of shards must be at least 1");
            if (index >= n)
                throw new UserInputException($"JOB_COMPLETION_INDEX={index} is not below --shards {n}: set --shards to the Job's completions");
            scheduled = (index + 1, n, $"JOB_COMPLETION_INDEX={index} of --shards {n}");
        }
        else if (shardsOption is { } n)
            throw new UserInputException($"--shards {n}: applies in a Kubernetes Indexed Job (JOB_COMPLETION_INDEX is not set); give --shard k/n instead");

        if (scheduled is not { } sc) return (shardOption, null);
        string text = string.Create(CultureInfo.InvariantCulture, $"{sc.K}/{sc.N}");
        if (shardOption is not null && !(BootstrapCommand.TryParseShard(shardOption, out int k, out int m) && k == sc.K && m == sc.N))
            throw new UserInputException($"--shard {Clip(shardOption)} conflicts with {sc.Source} (shard {text}); drop one of them");
        return (text, $"note: shard {text} from {sc.Source}");
    }

    private static int Index(string name, string value) =>
        int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i
            : throw new UserInputException($"{name}={Clip(value)}: expected a task index 0, 1, 2, …");

    private static int Count(string name, string value) =>
        int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 ? n
            : throw new UserInputException($"{name}={Clip(value)}: expected a task count 1, 2, 3, …");

    private static string Clip(string s) => UserText.Clip(s, 40);
}
