using FastGlmm.Backends.Cuda.Kernels;
using FastGlmm.Model;

namespace FastGlmm.Backends.Cuda;

/// <summary>
/// One <see cref="GlmmProblem"/>'s design on the device, stacked for R replicates (the layout of
/// <c>kernels/fastglmm_problem.h</c>): X, Z, the slots, the weights, the offset and the block partition once; y, η₀,
/// ZΛ, β, the factors T_t and every block's PIRLS state (u, ũ, r, A) once per replicate. Stacked block s = r·nb + b
/// is block b of replicate r. Every launch works on a list of stacked blocks (<see cref="SetList"/>; all of them
/// until one is set), and entry j of each per-block input and output (flags, values, log det) belongs to the list's
/// j-th block; the batched operations of <c>DeviceProblem.Operations.cs</c> act on the listed blocks. One problem is
/// R = 1 (<see cref="CudaGlmmBackend"/>); a lockstep refit batch stacks its replicates (<see cref="CudaRefitBatch"/>).
/// </summary>
internal sealed partial class DeviceProblem : IDisposable
{
    private const double MiB = 1 << 20;

    private readonly CudaDevice _dev;
    private readonly GlmmProblem _p;
    private readonly List<IDisposable> _owned = [];
    private readonly DeviceBuffer<double> _u = null!, _beta = null!, _factors = null!, _logdet = null!, _values = null!, _values2 = null!;
    private readonly DeviceBuffer<byte> _flags = null!, _ok = null!;
    private DeviceBuffer<int>? _list, _replicates;
    private readonly double[] _factorsHost, _betaHost, _hostValues;
    private readonly byte[] _hostFlags;
    private readonly int _nu, _nf;

    /// <summary>The kernels' parameter block (pointers, sizes and the current launch list).</summary>
    public ProblemParameters Parameters;

    /// <summary>
    /// Copies <paramref name="problem"/>'s design and the R = <paramref name="responses"/>.Count responses (n each, the
    /// problem's row order) to <paramref name="device"/>, with every replicate's modes at 0. Running out of device memory
    /// throws <see cref="CudaOutOfMemoryException"/> saying what <paramref name="what"/> needs in all.
    /// </summary>
    public DeviceProblem(GlmmProblem problem, CudaDevice device, IReadOnlyList<double[]> responses, string what)
    {
        _dev = device;
        _p = problem;
        int reps = responses.Count, nb = problem.BlockCount, n = problem.N, k = problem.K, p = problem.P;
        _nu = problem.TotalRandomEffects;
        _nf = problem.FactorOffsets[^1];
        long lists = (long)reps * nb;
        if (lists > int.MaxValue) throw new ArgumentException($"{reps} replicates of {nb} blocks exceed the kernels' block index", nameof(responses));
        foreach (var y in responses)
            if (y.Length != n) throw new ArgumentException($"expected {n} responses per replicate, got {y.Length}", nameof(responses));
        device.MakeCurrent();
        var aOff = new long[nb + 1];
        for (int b = 0; b < nb; b++) { long m = problem.UOffsets[b + 1] - problem.UOffsets[b]; aOff[b + 1] = aOff[b] + m * m; }
        long needed = RequiredBytes(problem, reps, aOff[nb]);
        try
        {
            var termQ = Enumerable.Range(0, problem.Layout.TermCount).Select(problem.Layout.Columns).ToArray();
            var y = Own(new DeviceBuffer<double>(device, (long)reps * n, "y"));
            for (int r = 0; r < reps; r++) y.UploadAt((long)r * n, responses[r]);
            Parameters = new ProblemParameters
            {
                X = Upload<double>(problem.X, "X"),
                Z = Upload<double>(problem.Z, "Z"),
                Zl = Alloc<double>((long)reps * n * k, "ZΛ"),
                Slot = Upload<int>(problem.Slot, "the random-effect slots"),
                Y = y.Pointer,
                Wt = Upload<double>(problem.Weights, "the weights"),
                Offset = Upload<double>(problem.Offset, "the offset"),
                Eta0 = Alloc<double>((long)reps * n, "η₀"),
                RowOff = Upload<int>(problem.RowOffsets, "the block row offsets"),
                UOff = Upload<int>(problem.UOffsets, "the block offsets of u"),
                AOff = Upload<long>(aOff, "the block offsets of A"),
                Cand = Alloc<double>((long)reps * _nu, "ũ"),
                Rhs = Alloc<double>((long)reps * _nu, "r"),
                A = Alloc<double>(reps * aOff[nb], "the block systems A"),
                FactorOff = Upload<int>(problem.FactorOffsets, "the factor offsets"),
                EntryTerm = Upload<int>(problem.EntryTerm, "the entry terms"),
                EntryCol = Upload<int>(problem.EntryColumn, "the entry columns"),
                TermQ = Upload<int>(termQ, "the term sizes"),
                N = n, P = p, K = k, Nb = nb,
                Family = (int)problem.Family.Family, Link = (int)problem.Family.Link,
                Terms = problem.Layout.TermCount, Reps = reps, Nlist = (int)lists,
            };
            _u = Own(new DeviceBuffer<double>(device, (long)reps * _nu, "u"));
            _u.Clear();
            Parameters.U = _u.Pointer;
            _beta = Own(new DeviceBuffer<double>(device, Math.Max(1, (long)reps * p), "β"));
            Parameters.Beta = _beta.Pointer;
            _factors = Own(new DeviceBuffer<double>(device, Math.Max(1, (long)reps * _nf), "the factors T"));
            Parameters.Factors = _factors.Pointer;
            _logdet = Own(new DeviceBuffer<double>(device, lists, "log det A"));
            Parameters.Logdet = _logdet.Pointer;
            _values = Own(new DeviceBuffer<double>(device, lists, "per-block values"));
            _values2 = Own(new DeviceBuffer<double>(device, lists, "per-block values"));
            _flags = Own(new DeviceBuffer<byte>(device, lists, "block flags"));
            _ok = Own(new DeviceBuffer<byte>(device, lists, "block status"));
        }
        catch (CudaOutOfMemoryException e)
        {
            Dispose();
            throw new CudaOutOfMemoryException($"{e.Message}; {what} needs {needed / MiB:F1} MiB of device memory in all") { Code = e.Code };
        }
        catch
        {
            Dispose();
            throw;
        }
        _factorsHost = new double[Math.Max(1, (long)reps * _nf)];
        _betaHost = new double[Math.Max(1, (long)reps * p)];
        _hostValues = new double[lists];
        _hostFlags = new byte[lists];
    }

    /// <summary>
    /// Device bytes for R replicates of <paramref name="problem"/> (<paramref name="systemEntries"/> = Σ m_b², one
    /// replicate's block systems): the shared design once and, per replicate, y, η₀, ZΛ, u, ũ, r, A, β, T and the
    /// per-block values, flags and list.
    /// </summary>
    public static long RequiredBytes(GlmmProblem problem, int replicates, long systemEntries)
    {
        long n = problem.N, k = problem.K, nb = problem.BlockCount;
        long shared = 8 * n * problem.P + 12 * n * k + 16 * n + 16 * (nb + 1) + 16L * problem.FactorOffsets.Length + 12 * k;
        long perReplicate = 8 * (2 * n + n * k + 3L * problem.TotalRandomEffects + systemEntries + problem.P + problem.FactorOffsets[^1])
            + nb * (3 * 8 + 2 + 4) + 4;
        return shared + replicates * perReplicate;
    }

    /// <summary>Takes ownership of a buffer (freed with this object) and counts its bytes.</summary>
    public DeviceBuffer<T> Own<T>(DeviceBuffer<T> d) where T : unmanaged
    {
        _owned.Add(d);
        DeviceBytes += d.Bytes;
        return d;
    }

    private ulong Alloc<T>(long length, string what) where T : unmanaged => Own(new DeviceBuffer<T>(_dev, length, what)).Pointer;

    /// <summary>Allocates an owned buffer holding <paramref name="host"/>; returns its address.</summary>
    public ulong Upload<T>(ReadOnlySpan<T> host, string what) where T : unmanaged => Own(new DeviceBuffer<T>(_dev, host, what)).Pointer;

    /// <summary>The problem whose design this is (its own response is not used: the replicates' are).</summary>
    public GlmmProblem Problem => _p;

    /// <summary>R, the replicates stacked.</summary>
    public int Replicates => Parameters.Reps;

    /// <summary>Blocks in the current launch list.</summary>
    public int ListLength => Parameters.Nlist;

    /// <summary>Bytes of device memory held.</summary>
    public long DeviceBytes { get; private set; }

    /// <summary>Passes over the listed blocks' rows launched so far.</summary>
    public long RowPasses { get; set; }

    /// <summary>Launches <paramref name="kernel"/> of program <paramref name="file"/> with the parameter block and further slots.</summary>
    public void Launch(string file, string kernel, long threads, params ReadOnlySpan<ulong> args) =>
        KernelLaunch.Run(_dev, _dev.Modules.Function(file, kernel), kernel, threads, Parameters, args);

    /// <summary>Sets replicate <paramref name="r"/>'s θ (its factors T_t) and β on the host; <see cref="LinearPredictor"/> uploads them.</summary>
    public void SetParameters(int r, ReadOnlySpan<double> theta, ReadOnlySpan<double> beta)
    {
        _p.FillFactors(theta, _factorsHost.AsSpan(r * _nf, _nf));
        beta.CopyTo(_betaHost.AsSpan(r * _p.P, _p.P));
    }

    /// <summary>
    /// Uploads every replicate's β and T_t and recomputes η₀ = offset + Xβ_r and ZΛ(θ_r) for the given replicates
    /// (empty: all R), one thread per (replicate, row).
    /// </summary>
    public void LinearPredictor(ReadOnlySpan<int> replicates)
    {
        _dev.MakeCurrent();
        _factors.Upload(_factorsHost);
        _beta.Upload(_betaHost);
        ulong which = 0;
        int count = Replicates;
        if (!replicates.IsEmpty)
        {
            _replicates ??= Own(new DeviceBuffer<int>(_dev, Replicates, "the replicate list"));
            _replicates.Upload(replicates);
            which = _replicates.Pointer;
            count = replicates.Length;
        }
        Launch("glmm_rows.cu", "fg_linear_predictor", (long)count * _p.N, which, KernelLaunch.Int(count));
    }

    /// <summary>Sets replicate <paramref name="r"/>'s β and uploads it, leaving η₀ as it is (the joint PIRLS's next β).</summary>
    public void UploadBeta(int r, ReadOnlySpan<double> beta)
    {
        _dev.MakeCurrent();
        beta.CopyTo(_betaHost.AsSpan(r * _p.P, _p.P));
        _beta.Upload(_betaHost);
    }

    /// <summary>Makes <paramref name="stackedBlocks"/> (entries r·nb + b) the launch list.</summary>
    public void SetList(ReadOnlySpan<int> stackedBlocks)
    {
        _dev.MakeCurrent();
        _list ??= Own(new DeviceBuffer<int>(_dev, (long)Replicates * _p.BlockCount, "the launch list"));
        _list.Upload(stackedBlocks);
        Parameters.List = _list.Pointer;
        Parameters.Nlist = stackedBlocks.Length;
    }

    /// <summary>Narrows the launch list to its first <paramref name="count"/> entries (within the list last set).</summary>
    public void UseListPrefix(int count) => Parameters.Nlist = count;

    /// <summary>Sets replicate <paramref name="r"/>'s modes u to 0.</summary>
    public void ClearModes(int r)
    {
        _dev.MakeCurrent();
        _u.Clear((long)r * _nu, _nu);
    }

    /// <summary>Copies replicate <paramref name="r"/>'s modes (Σ m_b, block-major) into <paramref name="u"/>.</summary>
    public void ReadModes(int r, Span<double> u)
    {
        _dev.MakeCurrent();
        _u.DownloadAt((long)r * _nu, u[.._nu]);
    }

    /// <summary>Per list entry, log det A from its block's last factorization (length: the list).</summary>
    public void LogDeterminants(Span<double> logDet)
    {
        _dev.MakeCurrent();
        _logdet.Download(logDet);
    }

    /// <summary>Frees every device buffer.</summary>
    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        _owned.Clear();
        _phi?.Dispose();
        _phi = null;
        _agqRule?.Dispose();
        _agqRule = null;
    }
}
