namespace FastGlmm.Tests.Cli;

/// <summary>
/// On a full disk every output is complete or absent, an existing good file survives, and a bootstrap whose
/// checkpoint ran out of space can be resumed to the contents of an uninterrupted run.
/// </summary>
[Collection("small disk")]
public class FullDiskTests
{
    private const string Cbpp = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

    private static string[] Boot(string outPath, int b, params string[] extra) =>
        ["bootstrap", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "-B", b.ToString(), "--seed", "3", "--quiet", "--out", outPath, .. extra];

    private static void AssertNoTemporaries(string folder) =>
        Assert.DoesNotContain(Directory.GetFiles(folder), f => Path.GetFileName(f).Contains(".tmp-") || f.EndsWith(".new"));

    [SmallDiskFact]
    public void FullBeforeTheRun_RefusedAtOnce_GoodFilesKept()
    {
        using var disk = new SmallDisk(256);
        string good = Path.Combine(disk.Folder, "good.csv");
        Assert.Equal(0, CliRunner.Run(Boot(good, 20)).Code);
        byte[] before = File.ReadAllBytes(good);
        disk.FillLeaving(0);
        foreach (var args in new[]
        {
            Boot(good, 50),
            ["predict", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "--out", good],
            ["simulate", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "--nsim", "5", "--seed", "1", "--out", Path.Combine(disk.Folder, "s.csv")],
        })
        {
            var (code, _, err) = CliRunner.Run(args);
            Assert.Equal(1, code);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
            Assert.Contains("No space left on device", err);
        }
        Assert.Equal(before, File.ReadAllBytes(good));
        Assert.False(File.Exists(Path.Combine(disk.Folder, "s.csv")));
        AssertNoTemporaries(disk.Folder);
    }

    [SmallDiskFact]
    public void FillsDuringTheRun_OldFileKept_CheckpointResumesToTheSameFile()
    {
        string reference = CliRunner.WriteCsv("ref.csv", "");
        Assert.Equal(0, CliRunner.Run(Boot(reference, 1500)).Code);

        using var disk = new SmallDisk(1024);
        string good = Path.Combine(disk.Folder, "b.csv");
        Assert.Equal(0, CliRunner.Run(Boot(good, 20)).Code);
        byte[] before = File.ReadAllBytes(good);
        disk.FillLeaving(40_000); // room for part of the checkpoint, not for the 1500 rows
        var (code, _, err) = CliRunner.Run(Boot(good, 1500));
        Assert.Equal(1, code);
        Assert.Contains("checkpoint", err);
        Assert.Contains("could not be written (No space left on device); the existing file is unchanged", err);
        Assert.Equal(before, File.ReadAllBytes(good));
        Assert.True(File.Exists(good + ".partial"));
        AssertNoTemporaries(disk.Folder);

        disk.Empty();
        var resumed = CliRunner.Run(["bootstrap", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "-B", "1500", "--seed", "3",
            "--quiet", "--resume", good + ".partial"]);
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Matches(@"resuming: \d+ of 1500 replicates", resumed.Err);
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(good));
        Assert.False(File.Exists(good + ".partial"));
    }
}
