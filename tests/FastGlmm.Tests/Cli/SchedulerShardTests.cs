using System.Diagnostics;
using FastGlmm.Cli.Bootstrap;
using FastGlmm.Cli.Commands;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// Shards from the scheduler's environment (Slurm job arrays, Kubernetes Indexed Jobs), the shipped sbatch script and
/// Job manifest run as the schedulers run them, and merging a folder of shards, missing ones named by index.
/// </summary>
public class SchedulerShardTests
{
    private const string Cbpp = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

    private static (string? Shard, string? Note) Resolve(Dictionary<string, string> env, string? shard = null, int? shards = null)
    {
        SchedulerShard.EnvironmentOverride = env;
        try { return SchedulerShard.Resolve(shard, shards); }
        finally { SchedulerShard.EnvironmentOverride = null; }
    }

    private static string Refused(Dictionary<string, string> env, string? shard = null, int? shards = null) =>
        Assert.Throws<UserInputException>(() => Resolve(env, shard, shards)).Message;

    [Fact]
    public void SlurmTask2Of4_IsShard3Of4_AndNamesItsSource()
    {
        var (shard, note) = Resolve(new() { ["SLURM_ARRAY_TASK_ID"] = "2", ["SLURM_ARRAY_TASK_COUNT"] = "4" });
        Assert.Equal("3/4", shard);
        Assert.Equal("note: shard 3/4 from SLURM_ARRAY_TASK_ID=2 of SLURM_ARRAY_TASK_COUNT=4", note);
        // The same shard given explicitly too is no conflict.
        Assert.Equal("3/4", Resolve(new() { ["SLURM_ARRAY_TASK_ID"] = "2", ["SLURM_ARRAY_TASK_COUNT"] = "4" }, "3/4").Shard);
        Assert.Equal(("2/5", null), Resolve([], "2/5"));
        Assert.Equal((null, null), Resolve([]));
    }

    [Fact]
    public void KubernetesIndex_WithShards()
    {
        var (shard, note) = Resolve(new() { ["JOB_COMPLETION_INDEX"] = "0" }, shards: 8);
        Assert.Equal("1/8", shard);
        Assert.Contains("JOB_COMPLETION_INDEX=0 of --shards 8", note);
    }

    [Fact]
    public void BadEnvironment_IsAOneLineError()
    {
        Assert.Equal("SLURM_ARRAY_TASK_ID=4 is not below SLURM_ARRAY_TASK_COUNT=4: number the array from 0 (sbatch --array=0-3)",
            Refused(new() { ["SLURM_ARRAY_TASK_ID"] = "4", ["SLURM_ARRAY_TASK_COUNT"] = "4" }));
        Assert.StartsWith("SLURM_ARRAY_TASK_ID=1 is set but SLURM_ARRAY_TASK_COUNT is not", Refused(new() { ["SLURM_ARRAY_TASK_ID"] = "1" }));
        Assert.StartsWith("SLURM_ARRAY_TASK_ID=x: expected a task index", Refused(new() { ["SLURM_ARRAY_TASK_ID"] = "x", ["SLURM_ARRAY_TASK_COUNT"] = "4" }));
        Assert.Equal("--shard 1/4 conflicts with SLURM_ARRAY_TASK_ID=2 of SLURM_ARRAY_TASK_COUNT=4 (shard 3/4); drop one of them",
            Refused(new() { ["SLURM_ARRAY_TASK_ID"] = "2", ["SLURM_ARRAY_TASK_COUNT"] = "4" }, "1/4"));
        Assert.StartsWith("JOB_COMPLETION_INDEX=3 is set (a Kubernetes Indexed Job): give the number of shards",
            Refused(new() { ["JOB_COMPLETION_INDEX"] = "3" }));
        Assert.Equal("JOB_COMPLETION_INDEX=8 is not below --shards 8: set --shards to the Job's completions",
            Refused(new() { ["JOB_COMPLETION_INDEX"] = "8" }, shards: 8));
        Assert.StartsWith("--shards 4: applies in a Kubernetes Indexed Job", Refused([], shards: 4));
        foreach (var m in new[] { Refused(new() { ["SLURM_ARRAY_TASK_ID"] = "9", ["SLURM_ARRAY_TASK_COUNT"] = "4" }), Refused([], shards: 2) })
            Assert.DoesNotContain('\n', m);
    }

    /// <summary>
    /// docs/slurm/bootstrap-array.sbatch run by bash as four array tasks (each a fastglmm process with its Slurm
    /// variables): merging the folder equals the unsharded bootstrap replicate for replicate; without one shard the
    /// merge names it and its task index.
    /// </summary>
    [Fact]
    public async Task SbatchArray_MergedFolderEqualsTheUnshardedRun()
    {
        if (!OperatingSystem.IsLinux()) return;
        string script = Path.Combine(TestData.RepositoryRoot, "docs", "slurm", "bootstrap-array.sbatch");
        string outDir = Path.Combine(Path.GetDirectoryName(CliRunner.TempPath("x"))!, "shards");
        string fastglmm = $"{CliProcess.Host} {typeof(FastGlmm.Cli.CliApp).Assembly.Location}";
        var tasks = Enumerable.Range(0, 4).Select(async i =>
        {
            var start = new ProcessStartInfo("bash", [script]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var (k, v) in new Dictionary<string, string>
            {
                ["FASTGLMM"] = fastglmm, ["OUT_DIR"] = outDir, ["REPLICATES"] = "40", ["SEED"] = "11",
                ["SLURM_ARRAY_TASK_ID"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture), ["SLURM_ARRAY_TASK_COUNT"] = "4",
            }) start.Environment[k] = v;
            using var p = Process.Start(start)!;
            var err = p.StandardError.ReadToEndAsync();
            await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, await err);
            Assert.Contains($"note: shard {i + 1}/4 from SLURM_ARRAY_TASK_ID={i} of SLURM_ARRAY_TASK_COUNT=4", await err);
        }).ToArray();
        await Task.WhenAll(tasks);
        Assert.Equal(4, Directory.GetFiles(outDir, "shard-*.csv").Length);

        string merged = CliRunner.TempPath("merged.csv"), whole = CliRunner.TempPath("whole.csv");
        var (c1, _, e1) = CliRunner.Run("bootstrap", "merge", outDir, "--out", merged, "--quiet");
        Assert.True(c1 == 0, e1);
        var (c2, _, e2) = CliRunner.Run("bootstrap", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "-B", "40", "--seed", "11", "--quiet", "--out", whole);
        Assert.True(c2 == 0, e2);
        var a = BootstrapCsv.Read(merged);
        var b = BootstrapCsv.Read(whole);
        Assert.Equal(40, a.Rows.Count);
        Assert.Equal(b.Rows.Select(r => r.Replicate), a.Rows.Select(r => r.Replicate));
        for (int i = 0; i < 40; i++) Assert.Equal(b.Rows[i].Values, a.Rows[i].Values);

        File.Delete(Path.Combine(outDir, "shard-1.csv"));
        var (c3, _, e3) = CliRunner.Run("bootstrap", "merge", outDir, "--quiet");
        Assert.Equal(0, c3);
        Assert.Contains("note: 1 of 4 shards are missing: 2/4 (Slurm array task or Kubernetes index 1)", e3);
    }

    /// <summary>
    /// docs/kubernetes/bootstrap-indexed-job.yaml: an Indexed Job whose completions, parallelism and --shards agree and
    /// whose pods write shard-$JOB_COMPLETION_INDEX.csv; its command, run by sh as pod 7 would, writes shard 8/8.
    /// </summary>
    [Fact]
    public async Task IndexedJobManifest_PodCommandWritesItsShard()
    {
        if (!OperatingSystem.IsLinux()) return;
        var yaml = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "kubernetes", "bootstrap-indexed-job.yaml"));
        Assert.Contains("completionMode: Indexed", yaml);
        Assert.Contains("completions: 8", yaml);
        Assert.Contains("parallelism: 8", yaml);
        Assert.Contains("--shards 8", yaml);
        // The folded args block: the lines after "- >-" up to the volume mounts, joined by spaces.
        var lines = yaml.Split('\n');
        int from = Array.FindIndex(lines, l => l.Trim() == "- >-") + 1, to = Array.FindIndex(lines, l => l.Trim().StartsWith("volumeMounts:"));
        string command = string.Join(" ", lines[from..to].Select(l => l.Trim()));
        string dir = Path.GetDirectoryName(CliRunner.TempPath("x"))!;
        command = command.Replace("/shards/", dir + "/").Replace("-B 2000", "-B 80")
            .Replace("fastglmm bootstrap", $"{CliProcess.Host} {typeof(FastGlmm.Cli.CliApp).Assembly.Location} bootstrap");
        var start = new ProcessStartInfo("sh", ["-c", command]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["JOB_COMPLETION_INDEX"] = "7";
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, await err);
        var run = BootstrapCsv.Read(Path.Combine(dir, "shard-7.csv"));
        Assert.Equal("8/8", run.Metadata.Shard);
        Assert.Equal(Enumerable.Range(70, 10).Select(i => (long)i), run.Rows.Select(r => r.Replicate));
    }
}
