using System.Text;
using FastGlmm.Cli.Commands;

namespace FastGlmm.Cli.Bootstrap;

/// <summary>
/// The checkpoint of a running bootstrap: <c>OUT.partial</c> beside the --out file, a bootstrap CSV without its
/// end line, to which every replicate is appended as it finishes and which is flushed to the disk at least every
/// <see cref="FlushInterval"/>, so that a kill (SIGKILL, a node failure) loses only the last seconds of work.
/// <c>bootstrap --resume</c> reads it (<see cref="BootstrapCsv.Read"/> with checkpoint = true) and computes only the
/// missing replicates. When the run ends and --out has been written whole, the checkpoint is deleted.
/// </summary>
internal sealed class BootstrapCheckpoint : IDisposable
{
    /// <summary>The longest time a finished replicate waits in memory before it is on the disk.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);

    private readonly object _gate = new();
    private readonly FileStream _stream;
    private readonly StreamWriter _writer;
    private readonly Timer _timer;
    private bool _closed;

    /// <summary>The checkpoint's path for an --out path.</summary>
    public static string PathFor(string outPath) => outPath + ".partial";

    /// <summary>
    /// Starts the checkpoint at <paramref name="path"/> (replacing an older one) with the run's metadata and the rows
    /// already known (those of a resumed run), and flushes it.
    /// </summary>
    public BootstrapCheckpoint(string path, BootstrapMetadata metadata, IReadOnlyList<string> statistics, double[] original,
        IEnumerable<BootstrapRow> known)
    {
        Path = path;
        // Written beside it and renamed over it once flushed, so that an older checkpoint (the one a resumed run read)
        // is replaced only by one that holds at least as much.
        string fresh = path + ".new";
        _stream = new FileStream(fresh, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        _writer = new StreamWriter(_stream, new UTF8Encoding(false), 1 << 16);
        try
        {
            foreach (var line in BootstrapCsv.Head(metadata, statistics, original, null)) Line(line);
            foreach (var row in known) Line(BootstrapCsv.Row(row));
            _writer.Flush();
            _stream.Flush(flushToDisk: true);
            File.Move(fresh, path, overwrite: true);
        }
        catch (IOException e)
        {
            Close(); // the buffered bytes that could not be written go with it
            try { File.Delete(fresh); } catch (IOException) { }
            throw new IOException($"{path}: the bootstrap checkpoint could not be written ({OutputFile.Reason(e)}); nothing was computed", e);
        }
        _timer = new Timer(_ => Flush(), null, FlushInterval, FlushInterval);
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>
    /// Why the checkpoint stopped being written during the run (a full disk, say), or null. The run goes on in memory;
    /// the checkpoint keeps what reached the disk before, which <c>--resume</c> can read.
    /// </summary>
    public string? Failure { get; private set; }

    /// <summary>
    /// Appends a finished replicate (any thread); it reaches the disk within <see cref="FlushInterval"/>. A failed write
    /// stops the checkpoint (<see cref="Failure"/>) and never throws.
    /// </summary>
    public void Add(BootstrapRow row)
    {
        string line = BootstrapCsv.Row(row);
        lock (_gate)
        {
            if (_closed) return;
            try { Line(line); }
            catch (IOException e) { Stop(e); }
        }
    }

    private void Line(string line)
    {
        _writer.Write(line);
        _writer.Write('\n');
    }

    /// <summary>
    /// Writes what is buffered and flushes it to the disk. A write that fails (a full disk) stops the checkpoint and
    /// sets <see cref="Failure"/>; it never throws, since it runs on a timer thread.
    /// </summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_closed) return;
            try
            {
                _writer.Flush();
                _stream.Flush(flushToDisk: true);
            }
            catch (IOException e) { Stop(e); }
        }
    }

    /// <summary>Stops the checkpoint after a failed write (under the lock), keeping what reached the disk.</summary>
    private void Stop(IOException e)
    {
        Failure = OutputFile.Reason(e);
        _closed = true;
        Close();
    }

    /// <summary>Closes the checkpoint and deletes it: the --out file now holds everything it held.</summary>
    public void Complete()
    {
        Dispose();
        try { File.Delete(Path); } catch (IOException) { }
    }

    /// <summary>Flushes and closes the checkpoint, leaving the file.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            if (_closed) return;
            try
            {
                _writer.Flush();
                _stream.Flush(flushToDisk: true);
            }
            catch (IOException e) { Failure = OutputFile.Reason(e); }
            _closed = true;
            Close();
        }
    }

    /// <summary>Closes the file; bytes still buffered after a failed write are dropped.</summary>
    private void Close()
    {
        try { _stream.Dispose(); }
        catch (IOException) { }
    }
}
