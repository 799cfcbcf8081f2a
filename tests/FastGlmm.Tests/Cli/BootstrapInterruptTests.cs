using System.Diagnostics;
using System.Globalization;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// An interrupted bootstrap (a real signal to a real fastglmm process) still writes the replicates it finished,
/// labelled as interrupted, each equal to the same replicate of an uninterrupted run, and exits with 130.
/// SIGTERM is sent (what a scheduler sends at a job's time limit): a shell may start background jobs with SIGINT
/// ignored, and both signals go through the same handler.
/// </summary>
public class BootstrapInterruptTests
{
    /// <summary>Sends SIGTERM to <paramref name="pid"/> with the system's kill(1).</summary>
    private static async Task Terminate(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    [Fact]
    public async Task Interrupted_Bootstrap_WritesTheFinishedReplicates()
    {
        if (OperatingSystem.IsWindows()) return;
        string csv = Path.Combine(Path.GetDirectoryName(CliRunner.WriteCsv("unused.csv", ""))!, "interrupted.csv");
        var start = CliProcess.StartInfo(["bootstrap", "--data", "cbpp", "--formula", "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            "--family", "binomial", "-B", "1000000", "--seed", "3", "--out", csv, "--quiet"]);
        using var process = Process.Start(start)!;
        try
        {
            await Interrupt(process, csv);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    private static async Task Interrupt(Process process, string csv)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await Task.Delay(6000);
        if (process.HasExited) Assert.Fail("the run ended before the signal: " + await stderr);
        await Terminate(process.Id);
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the process did not stop within 2 minutes of SIGTERM");
        }
        string err = await stderr;
        await stdout;
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("interrupted: ", err, StringComparison.Ordinal);
        Assert.True(File.Exists(csv), err);
        var lines = File.ReadAllLines(csv);
        Assert.Contains("# shard: all, interrupted", lines);
        var rows = lines.Where(l => !l.StartsWith('#')).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.InRange(rows.Length, 1, 999_999);
        Assert.All(rows, r => Assert.Equal("ok", r[1]));

        // The first rows equal those replicates of an uninterrupted run.
        var frame = ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        var fit = MixedModel.Fit(frame);
        var first = rows.OrderBy(r => long.Parse(r[0], CultureInfo.InvariantCulture)).Take(5).ToArray();
        foreach (var row in first)
        {
            long index = long.Parse(row[0], CultureInfo.InvariantCulture);
            var rep = ParametricBootstrap.Run(frame, fit, index, 1, seed: 3)[0];
            for (int j = 0; j < 4; j++)
                Assert.Equal(rep.Beta[j], double.Parse(row[3 + j], CultureInfo.InvariantCulture), 12);
        }
    }
}
