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
        int bytes = Encoding.UTF8.GetByteCount(Path.GetFileName(full));
        if (bytes > MaxNameBytes) throw new UserInputException($"{option} {UserText.Clip(path)}: the file name is too long ({bytes} bytes; at most {MaxNameBytes})");
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new UserInputException($"{option} {path}: the folder {dir} does not exist");
        if (File.Exists(full) && new FileInfo(full).IsReadOnly) throw new UserInputException($"{option} {path}: the file is read-only");
        string probe = TemporaryName(full);
        try
        {
            // One byte written through to the disk: a folder that is not writable, or a disk that is already full.
            using var f = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            f.WriteByte(0);
            f.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(probe);
            throw new UserInputException($"{option} {path}: cannot write in the folder {dir} ({Reason(e)})");
        }
    }

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically (see the class summary).</summary>
    public static void Write(string path, Action<TextWriter> write) => WriteBytes(path, stream =>
    {
        using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        write(w);
    });

    /// <summary>Writes <paramref name="path"/> as bytes through <paramref name="write"/>, atomically (see the class summary).</summary>
    public static void WriteBytes(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string temp = TemporaryName(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            bool kept = File.Exists(full);
            throw new IOException($"{path}: could not be written ({Reason(e)}); " +
                (kept ? "the existing file is unchanged" : "no file was left"), e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// The operating system's reason in an I/O exception's message, without the path .NET appends
    /// ("No space left on device : '/x/.f.tmp-…'" → "No space left on device").
    /// </summary>
    public static string Reason(Exception e)
    {
        string m = e.Message;
        int at = m.IndexOf(" : '", StringComparison.Ordinal);
        if (at > 0) m = m[..at];
        return m.Trim().TrimEnd('.');
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteText(string path, string text) => Write(path, w => w.Write(text));

    /// <summary>The longest file name most file systems take, in bytes.</summary>
    private const int MaxNameBytes = 255;

    /// <summary>
    /// A fresh hidden name beside <paramref name="full"/>: ".name.tmp-&lt;pid&gt;-&lt;random&gt;", with the name cut to
    /// 100 characters so that the temporary name stays within the file-name limit.
    /// </summary>
    private static string TemporaryName(string full)
    {
        string name = Path.GetFileName(full);
        if (name.Length > 100) name = name[..100];
        return Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{name}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
