using System.Diagnostics;
using System.Globalization;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// Bootstrap files are complete or refused, and a killed bootstrap loses only its last seconds: a truncated or
/// altered CSV is refused by <c>bootstrap merge</c>; a SIGKILLed run leaves OUT.partial with the replicates finished
/// before the kill, and <c>--resume</c> completes it to exactly the file an uninterrupted run writes.
/// </summary>
public class BootstrapCheckpointTests
{
    private const string CbppFormula = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

    private static string[] Model(int b) =>
        ["bootstrap", "--data", "cbpp", "--formula", CbppFormula, "--family", "binomial", "-B", b.ToString(CultureInfo.InvariantCulture), "--seed", "7", "--quiet"];

    private static string Folder() => Path.GetDirectoryName(CliRunner.WriteCsv("unused.csv", ""))!;

    [Fact]
    public void TruncatedOrAlteredFiles_AreRefusedByMerge()
    {
        string dir = Folder();
        string good = Path.Combine(dir, "good.csv");
        var (code, _, err) = CliRunner.Run([.. Model(30), "--out", good]);
        Assert.True(code == 0, err);
        Assert.False(File.Exists(good + ".partial"));
        var lines = File.ReadAllLines(good);
        Assert.StartsWith("# end: 30 replicates, fnv1a64 ", lines[^1], StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("bootstrap", "merge", good).Code);

        string cut = Path.Combine(dir, "cut.csv");
        File.WriteAllLines(cut, lines[..^5]);
        (code, var o, err) = CliRunner.Run("bootstrap", "merge", cut);
        Assert.Equal(1, code);
        Assert.Equal("", o);
        Assert.StartsWith($"error: {cut}: incomplete bootstrap file (no '# end:' line at its end)", err, StringComparison.Ordinal);

        string altered = Path.Combine(dir, "altered.csv");
        File.WriteAllLines(altered, lines.Select(l => l.StartsWith("3,ok,", StringComparison.Ordinal) ? l.Replace(",ok,", ",failed,", StringComparison.Ordinal) : l));
        (code, _, err) = CliRunner.Run("bootstrap", "merge", altered);
        Assert.Equal(1, code);
        Assert.Contains("the checksum does not match the contents", err, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputPaths_AreCheckedBeforeAnyWork()
    {
        string dir = Folder();
        var (code, o, err) = CliRunner.Run([.. Model(10), "--out", Path.Combine(dir, "no", "such", "x.csv")]);
        Assert.Equal(1, code);
        Assert.Equal("", o);
        Assert.Contains("does not exist", err, StringComparison.Ordinal);
        Assert.DoesNotContain("replicates in", err, StringComparison.Ordinal);
        string folder = Path.Combine(dir, "folder.csv");
        Directory.CreateDirectory(folder);
        (code, _, err) = CliRunner.Run([.. Model(10), "--out", folder]);
        Assert.Equal(1, code);
        Assert.Equal($"error: --out {folder}: is a folder; give a file name", err.Trim());
    }

    [Fact]
    public async Task KilledRun_KeepsItsReplicates_AndResumeCompletesIt()
    {
        if (OperatingSystem.IsWindows()) return;
        string dir = Folder();
        string full = Path.Combine(dir, "full.csv"), killed = Path.Combine(dir, "killed.csv");
        const int b = 20_000;
        var (code, _, err) = await CliProcess.Run([.. Model(b), "--out", full]);
        Assert.True(code == 0, err);

        using (var process = Process.Start(CliProcess.StartInfo([.. Model(b), "--out", killed]))!)
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            string partial = killed + ".partial";
            var clock = Stopwatch.StartNew();
            // Kill it once the checkpoint holds some replicates and 3 s more have passed (at least one flush).
            while (clock.Elapsed < TimeSpan.FromMinutes(2) && !process.HasExited
                   && !(File.Exists(partial) && File.ReadLines(partial).Count() > 20)) await Task.Delay(100);
            await Task.Delay(3000);
            if (process.HasExited) Assert.Fail("the run ended before it could be killed");
            process.Kill();
            await process.WaitForExitAsync();
        }
        Assert.False(File.Exists(killed));
        var kept = File.ReadAllLines(killed + ".partial").Where(l => l.Length > 0 && char.IsDigit(l[0])).ToArray();
        Assert.InRange(kept.Length, 1, b - 1);
        var fullRows = File.ReadAllLines(full).ToHashSet();
        Assert.All(kept[..^1], row => Assert.Contains(row, fullRows)); // the last line may have been cut by the kill

        (code, _, err) = await CliProcess.Run([.. Model(b), "--resume", killed]);
        Assert.True(code == 0, err);
        Assert.Contains("resuming: ", err, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(full), File.ReadAllText(killed));
        Assert.False(File.Exists(killed + ".partial"));

        // A resume of another bootstrap is refused, naming the field.
        string other = Path.Combine(dir, "other.csv");
        File.Copy(full, other);
        (code, _, err) = await CliProcess.Run(["bootstrap", "--data", "cbpp", "--formula", CbppFormula, "--family", "binomial",
            "-B", "20000", "--seed", "8", "--quiet", "--resume", other]);
        Assert.Equal(1, code);
        Assert.Contains("its seed '7' differs from this run's '8'", err, StringComparison.Ordinal);
    }
}
