using System.Text;

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
        foreach (var line in BootstrapCsv.Head(metadata, statistics, original, null)) Line(line);
        foreach (var row in known) Line(BootstrapCsv.Row(row));
        Flush();
        File.Move(fresh, path, overwrite: true);
        _timer = new Timer(_ => Flush(), null, FlushInterval, FlushInterval);
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>Appends a finished replicate (any thread); it reaches the disk within <see cref="FlushInterval"/>.</summary>
    public void Add(BootstrapRow row)
    {
        string line = BootstrapCsv.Row(row);
        lock (_gate)
        {
            if (_closed) return;
            Line(line);
        }
    }

    private void Line(string line)
    {
        _writer.Write(line);
        _writer.Write('\n');
    }

    /// <summary>Writes what is buffered and flushes it to the disk.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_closed) return;
            _writer.Flush();
            _stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Closes the checkpoint and deletes it: the --out file now holds everything it held.</summary>
    public void Complete()
    {
        Dispose();
        File.Delete(Path);
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
            catch (IOException) { }
            _closed = true;
            _writer.Dispose();
        }
    }
}
