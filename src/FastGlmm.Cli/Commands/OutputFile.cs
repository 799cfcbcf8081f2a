using System.Text;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// Output files: checked before any work is done, and written whole or not at all. A file is written to a
/// temporary file in the same folder, flushed to the disk and renamed over the target, so a reader never sees a
/// half-written file and an existing file survives until its replacement is complete (on a full disk, say).
/// </summary>
internal static class OutputFile
{
    /// <summary>
    /// A one-line error when <paramref name="path"/> (if given) cannot be written: it is a folder, its folder does not
    /// exist or is not writable, or the file exists and is read-only. <paramref name="option"/> names the option.
    /// </summary>
    public static void Check(string? path, string option = "--out")
    {
        if (path is null) return;
        if (path.Length == 0) throw new UserInputException($"{option}: the file name is empty");
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UserInputException($"{option} {path}: not a valid file name");
        }
        if (Directory.Exists(full)) throw new UserInputException($"{option} {path}: is a folder; give a file name");
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new UserInputException($"{option} {path}: the folder {dir} does not exist");
        if (File.Exists(full) && new FileInfo(full).IsReadOnly) throw new UserInputException($"{option} {path}: the file is read-only");
        string probe = TemporaryName(full);
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{option} {path}: cannot write in the folder {dir} ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically (see the class summary).</summary>
    public static void Write(string path, Action<TextWriter> write)
    {
        string full = Path.GetFullPath(path);
        string temp = TemporaryName(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using (var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
                    write(w);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteText(string path, string text) => Write(path, w => w.Write(text));

    /// <summary>A fresh hidden name beside <paramref name="full"/>: ".name.tmp-&lt;pid&gt;-&lt;random&gt;".</summary>
    private static string TemporaryName(string full) =>
        Path.Combine(Path.GetDirectoryName(full) ?? ".",
            $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
