using System.Diagnostics;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// A tiny tmpfs, mounted for a test and unmounted after it: a disk that fills up. Needs root with the right to mount
/// (a CI container usually lacks it); <see cref="SmallDiskFactAttribute"/> skips the test otherwise.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private static readonly Lazy<string?> Unusable = new(Probe);

    /// <summary>Why no tmpfs can be mounted here, or null when one can.</summary>
    public static string? WhyUnusable => Unusable.Value;

    /// <summary>The mount point.</summary>
    public string Folder { get; }

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/> KiB at a fresh folder.</summary>
    public SmallDisk(int kilobytes)
    {
        Folder = Path.Combine(Path.GetTempPath(), "fastglmm-tests", "disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        var (code, err) = Sh("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", Folder);
        if (code != 0) throw new InvalidOperationException($"mount failed: {err}");
    }

    /// <summary>Fills the disk with a file until at most <paramref name="freeBytes"/> are left.</summary>
    public void FillLeaving(long freeBytes)
    {
        using var f = new FileStream(Path.Combine(Folder, "filler"), FileMode.Create);
        var block = new byte[4096];
        try
        {
            for (long left; (left = new DriveInfo(Folder).AvailableFreeSpace) > freeBytes;)
            {
                f.Write(block, 0, (int)Math.Min(block.Length, left - freeBytes));
                f.Flush(true);
            }
        }
        catch (IOException) { }
    }

    /// <summary>Deletes the filler.</summary>
    public void Empty() => File.Delete(Path.Combine(Folder, "filler"));

    public void Dispose()
    {
        Sh("umount", Folder);
        try { Directory.Delete(Folder); } catch (IOException) { }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        try
        {
            using var d = new SmallDisk(16);
            return null;
        }
        catch (Exception e) { return e.Message; }
    }

    private static (int Code, string Err) Sh(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(start)!;
            string err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, err.Trim());
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }
}

/// <summary>A fact that needs <see cref="SmallDisk"/>; skipped where no tmpfs can be mounted.</summary>
public sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (SmallDisk.WhyUnusable is { } why) Skip = $"cannot mount a small tmpfs: {why}";
    }
}
