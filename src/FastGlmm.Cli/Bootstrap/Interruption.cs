using System.Runtime.InteropServices;

namespace FastGlmm.Cli.Bootstrap;

/// <summary>
/// While alive, turns the first Ctrl-C (SIGINT) or SIGTERM (what a cluster scheduler sends at a job's time limit)
/// into a cancellation of <see cref="Token"/>, so that a bootstrap can stop and still write the replicates it has
/// finished; a second signal ends the process as usual.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;

    /// <summary>Starts listening for SIGINT and SIGTERM.</summary>
    public Interruption()
    {
        _registrations = [Listen(PosixSignal.SIGINT), Listen(PosixSignal.SIGTERM)];
    }

    /// <summary>Cancelled at the first signal.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Whether a signal has arrived.</summary>
    public bool Requested => _cts.IsCancellationRequested;

    private PosixSignalRegistration Listen(PosixSignal signal) => PosixSignalRegistration.Create(signal, context =>
    {
        if (_cts.IsCancellationRequested) return;
        context.Cancel = true;
        _cts.Cancel();
    });

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}
