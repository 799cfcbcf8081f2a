using System.CommandLine;
using System.Globalization;
using FastGlmm.Cli.Bootstrap;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// <c>fastglmm bootstrap</c>: lme4's parametric <c>bootMer</c>. Fits the model, runs the replicates of its
/// shard (k of n: replicates ⌊(k−1)B/n⌋ … ⌊kB/n⌋−1) with <see cref="ParametricBootstrap"/>, prints the
/// summary (<see cref="BootstrapSummary"/>) and writes the replicates to --out (CSV or JSON by extension).
/// Interrupted (Ctrl-C or SIGTERM, <see cref="Interruption"/>), it stops, summarizes and writes the replicates
/// finished so far, labelled as interrupted, and exits with <see cref="CliApp.Interrupted"/>.
/// <c>fastglmm bootstrap merge</c> (<see cref="BootstrapMergeCommand"/>) joins shards.
/// </summary>
internal static class BootstrapCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new DataOptions();
        var model = new ModelOptions("Fit the linear mixed model and its replicates by REML (the default for gaussian)",
            "Fit the linear mixed model and its replicates by maximum likelihood");
        var b = new Option<int>("-B", "--replicates") { Description = "Number of bootstrap replicates (lme4's nsim), over all shards", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Simulation seed; replicate r is reproducible from (seed, r) alone", Required = true };
        var shard = new Option<string?>("--shard") { Description = "Run only shard k of n (k/n, 1-based): replicates floor((k-1)B/n) .. floor(kB/n)-1; without it, a Slurm array task runs shard SLURM_ARRAY_TASK_ID+1 of SLURM_ARRAY_TASK_COUNT" };
        var shards = new Option<int?>("--shards") { Description = "In a Kubernetes Indexed Job: the number of shards (the Job's completions); the pod runs shard JOB_COMPLETION_INDEX+1 of it" };
        var output = new Option<string?>("--out") { Description = "Write the replicates to a .csv (one row each, metadata as # lines), .json, .parquet or .arrow file (the CSV's columns, metadata as key-value pairs); while running, finished replicates go to OUT.partial (flushed every 2 s)" };
        var resume = new Option<string?>("--resume") { Description = "Finish an earlier run of the same bootstrap: read its --out file (or OUT.partial after a kill) and compute only the missing replicates; --out defaults to that file" };
        var level = BootstrapMergeCommand.LevelOption();
        var quiet = new Option<bool>("--quiet") { Description = "No summary and no live progress; the timing and failures still go to stderr" };
        var cmd = new Command("bootstrap", "Parametric bootstrap of a fitted model (lme4's bootMer): refit to simulated responses, summarize");
        data.AddTo(cmd);
        model.AddTo(cmd);
        foreach (var opt in new Option[] { b, seed, shard, shards, output, resume, level, quiet }) cmd.Options.Add(opt);
        cmd.Subcommands.Add(BootstrapMergeCommand.Create(stdout, stderr));
        cmd.SetAction(r =>
        {
            var (spec, options) = model.Resolve(r, stderr);
            int total = r.GetValue(b);
            if (total < 1) throw new UserInputException($"-B {total}: the number of replicates must be at least 1");
            var (shardOption, shardNote) = SchedulerShard.Resolve(r.GetValue(shard), r.GetValue(shards));
            var (first, count, shardText) = Shard(shardOption, total);
            if (shardNote is not null) stderr.WriteLine(shardNote);
            if (count > ParametricBootstrap.MaxReplicatesPerRun)
                throw new UserInputException($"-B {total}: {count} replicates in one run; at most {ParametricBootstrap.MaxReplicatesPerRun} " +
                    $"(split the bootstrap with --shard k/n, n ≥ {(total + (long)ParametricBootstrap.MaxReplicatesPerRun - 1) / ParametricBootstrap.MaxReplicatesPerRun})");
            string? resumeFrom = r.GetValue(resume);
            string? outPath = r.GetValue(output) ?? (resumeFrom is null ? null : BootstrapResume.OutPathFor(resumeFrom));
            BootstrapMergeCommand.CheckOutPath(outPath);
            if (outPath is not null) OutputFile.Check(BootstrapCheckpoint.PathFor(outPath) + ".new"); // the checkpoint is written under this name first
            double lev = BootstrapMergeCommand.CheckLevel(r.GetValue(level));
            bool q = r.GetValue(quiet);
            var table = data.Load(r);
            string? w = r.GetValue(model.Weights);
            var frame = model.Frame(r, table, spec, stderr);
            options = model.WithZeroInflation(r, options, frame, table);
            var fit = MixedModel.Fit(frame, options);
            FitCommand.WriteMessages(stderr, fit, blankLineFirst: false);
            if (!fit.Convergence.Converged)
                stderr.WriteLine("note: the original fit did not converge; the bootstrap simulates from its estimates all the same");

            ulong s = r.GetValue(seed);
            var stats = new BootstrapStatistics(frame);
            var original = stats.Original(fit);
            var identity = new BootstrapMetadata(fit.Formula, fit.Family, fit.Method, table.Source, w ?? "", s, total, shardText);
            var known = resumeFrom is null ? [] : BootstrapResume.Load(resumeFrom, identity, stats.Names, first, count);
            var done = known.Select(x => x.Replicate).ToHashSet();
            var missing = Enumerable.Range(0, count).Select(k => first + k).Where(i => !done.Contains(i)).ToArray();
            if (resumeFrom is not null)
                stderr.WriteLine($"resuming: {known.Count} of {count} replicates read from {resumeFrom}; computing the {missing.Length} missing");
            using var checkpoint = outPath is null ? null : new BootstrapCheckpoint(BootstrapCheckpoint.PathFor(outPath), identity, stats.Names, original, known);
            using var interruption = new Interruption();
            var (reps, timing) = BootstrapProgress.Run(stderr, missing.Length, allowLive: !q,
                p => ParametricBootstrap.Run(frame, fit, missing, s, reml: options.Reml, nagq: options.Nagq, progress: p,
                    refitBatch: options.RefitBatch, cancel: interruption.Token,
                    finished: checkpoint is null ? null : x => checkpoint.Add(new BootstrapRow(x.Index, x.Failure, stats.Of(x)))), x => x.Length);
            if (checkpoint?.Failure is { } why)
                stderr.WriteLine($"warning: the checkpoint {checkpoint.Path} stopped being written ({why}); the run went on in memory");
            var rows = known.Concat(reps.Select(x => new BootstrapRow(x.Index, x.Failure, stats.Of(x)))).OrderBy(x => x.Replicate).ToArray();
            bool interrupted = rows.Length < count;
            if (interrupted)
                stderr.WriteLine($"interrupted: {rows.Length} of {count} replicates finished" +
                    (outPath is null ? "" : $"; writing them to {outPath}"));
            var meta = identity with { Shard = interrupted ? BootstrapMetadata.Interrupted(shardText) : shardText };
            var run = new BootstrapRun(meta, stats.Names, original, rows);
            BootstrapMergeCommand.Finish(stdout, stderr, run, outPath, lev, q, timing);
            checkpoint?.Complete();
            return interrupted ? CliApp.Interrupted : 0;
        });
        return cmd;
    }

    /// <summary>
    /// Parses --shard k/n into the shard's first replicate and count (⌊(k−1)B/n⌋ … ⌊kB/n⌋−1) and its label;
    /// without --shard, all B replicates.
    /// </summary>
    public static (long First, int Count, string Label) Shard(string? text, int total)
    {
        if (text is null) return (0, total, "all");
        if (!TryParseShard(text, out int k, out int n))
            throw new UserInputException($"--shard {text}: expected k/n, e.g. 2/8 (shard 2 of 8)");
        if (n < 1 || k < 1 || k > n) throw new UserInputException($"--shard {text}: k must be between 1 and n");
        if (n > total) throw new UserInputException($"--shard {text}: {n} shards for -B {total} replicates would leave some empty");
        long lo = (long)(k - 1) * total / n, hi = (long)k * total / n;
        return (lo, (int)(hi - lo), $"{k}/{n}");
    }

    /// <summary>Parses a shard label <c>k/n</c> (two non-negative integers; no range check).</summary>
    public static bool TryParseShard(string text, out int k, out int n)
    {
        var parts = text.Split('/');
        k = n = 0;
        return parts.Length == 2
            && int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out k)
            && int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out n);
    }
}
