using FastGlmm.Backends.Cuda.Kernels;
using FastGlmm.MonteCarlo;

namespace FastGlmm.Backends.Cuda;

/// <summary>
/// The CUDA implementation of <see cref="IImportanceBackend"/>. The importance sample (draws, log f̃, S_t) and
/// the problem's rows live on the device for the backend's lifetime. An evaluation at ψ = (β, M) runs the
/// kernels of <c>kernels/importance.cu</c>: one thread per (block, draw) for lw_k, G_k and ∇²_β lw_k; then, one
/// warp per chunk of draws, the block maxima, the weighted sums and the weighted second moments
/// (<see cref="ImportanceSums"/>), each reduced over a block's chunks in a fixed order. Only
/// blocks × (<see cref="ImportanceSums.SumsWidth"/> + <see cref="ImportanceSums.MomentsWidth"/> + 1) values
/// come back; the host turns them into <see cref="BlockEstimate"/>s with the core's formulas.
/// </summary>
public sealed class CudaImportanceBackend : IImportanceBackend
{
    /// <summary>Parameters d = p + #θ the kernels handle (FG_IS_MAX_D).</summary>
    public const int MaxParameters = 32;

    /// <summary>Fixed effects the kernels handle (FG_IS_MAX_P).</summary>
    public const int MaxFixedEffects = 16;

    /// <summary>Draws one warp reduces (FG_IS_CHUNK).</summary>
    public const int ChunkDraws = 1024;

    private const string Program = "importance.cu";

    private readonly CudaDevice _dev;
    private readonly ImportanceDesign _design;
    private readonly List<IDisposable> _owned = [];
    private readonly DeviceBuffer<double> _beta, _precision, _blockMax, _sums, _moments;
    private readonly double[] _hostMax, _hostSums, _hostMoments;
    private readonly int _m, _sumsWidth, _momentsWidth;
    private readonly ImportanceParameters _pp;

    /// <summary>
    /// Why the kernels cannot take <paramref name="design"/>'s problem, or null when they can: more than
    /// <see cref="MaxFixedEffects"/> fixed effects or more than <see cref="MaxParameters"/> parameters.
    /// </summary>
    public static string? Unsupported(ImportanceDesign design)
    {
        var prob = design.Problem;
        if (prob.P > MaxFixedEffects) return $"the model has {prob.P} fixed effects (the GPU importance kernels take up to {MaxFixedEffects})";
        if (prob.P + prob.Layout.Count > MaxParameters)
            return $"the model has {prob.P + prob.Layout.Count} parameters (the GPU importance kernels take up to {MaxParameters})";
        return null;
    }

    /// <summary>Copies <paramref name="sample"/> and its problem to <paramref name="device"/>.</summary>
    public CudaImportanceBackend(ImportanceSample sample, CudaDevice device)
    {
        _design = sample.Design;
        var prob = _design.Problem;
        ConditionalLogLikelihood.CheckSupported(prob.Family);
        if (Unsupported(_design) is { } why) throw new UserInputException($"the CUDA backend cannot run this Monte Carlo likelihood: {why}");
        _dev = device;
        device.MakeCurrent();
        int nb = prob.BlockCount, nt = prob.Layout.Count, p = prob.P, d = p + nt, terms = prob.Layout.TermCount;
        _m = sample.DrawsPerBlock;
        int chunks = (_m + ChunkDraws - 1) / ChunkDraws;
        _sumsWidth = ImportanceSums.SumsWidth(p, nt);
        _momentsWidth = ImportanceSums.MomentsWidth(d);
        long draws = (long)nb * _m;
        var drawOff = new long[nb + 1];
        for (int b = 0; b < nb; b++) drawOff[b + 1] = drawOff[b] + (long)_m * _design.Dimension(b);
        try
        {
            var drawBuffer = Own(new DeviceBuffer<double>(device, drawOff[nb], "the importance draws"));
            var logProp = Own(new DeviceBuffer<double>(device, draws, "the importance log densities"));
            var stats = Own(new DeviceBuffer<double>(device, draws * nt, "the draws' sufficient statistics"));
            for (int b = 0; b < nb; b++)
            {
                drawBuffer.UploadAt(drawOff[b], sample.Draws[b]);
                logProp.UploadAt((long)b * _m, sample.LogProposal[b]);
                stats.UploadAt((long)b * _m * nt, sample.Stats[b]);
            }
            _beta = Own(new DeviceBuffer<double>(device, Math.Max(1, p), "β"));
            _precision = Own(new DeviceBuffer<double>(device, Math.Max(1, nt), "the precision factors M"));
            _blockMax = Own(new DeviceBuffer<double>(device, nb, "the block maxima"));
            _sums = Own(new DeviceBuffer<double>(device, (long)nb * _sumsWidth, "the block sums"));
            _moments = Own(new DeviceBuffer<double>(device, (long)nb * _momentsWidth, "the block moments"));
            _pp = new ImportanceParameters
            {
                X = Upload<double>(prob.X, "X"),
                Z = Upload<double>(prob.Z, "Z"),
                Slot = Upload<int>(prob.Slot, "the random-effect slots"),
                Y = Upload<double>(prob.Y, "y"),
                Wt = Upload<double>(prob.Weights, "the weights"),
                Offset = Upload<double>(prob.Offset, "the offset"),
                Beta = _beta.Pointer,
                Precision = _precision.Pointer,
                Fixed = Own(new DeviceBuffer<double>(device, prob.N, "offset + Xβ")).Pointer,
                RowOff = Upload<int>(prob.RowOffsets, "the block row offsets"),
                DrawOff = Upload<long>(drawOff, "the block draw offsets"),
                Draws = drawBuffer.Pointer,
                LogProp = logProp.Pointer,
                Stats = stats.Pointer,
                TermLevels = Upload<int>(_design.TermLevels, "the levels per block and term"),
                TermQ = Upload<int>(Enumerable.Range(0, terms).Select(prob.Layout.Columns).ToArray(), "the term sizes"),
                TermOff = Upload<int>(Enumerable.Range(0, terms).Select(prob.Layout.Offset).ToArray(), "the term offsets"),
                Lw = Own(new DeviceBuffer<double>(device, draws, "the log weights")).Pointer,
                PerDraw = Own(new DeviceBuffer<double>(device, draws * (d + p * (p + 1) / 2), "the per-draw gradients and β Hessians")).Pointer,
                BlockMax = _blockMax.Pointer,
                Partial = Own(new DeviceBuffer<double>(device, (long)nb * chunks * Math.Max(_sumsWidth, _momentsWidth), "the per-chunk sums")).Pointer,
                Sums = _sums.Pointer,
                Moments = _moments.Pointer,
                N = prob.N, P = p, K = prob.K, Nb = nb,
                M = _m, Nt = nt, Terms = terms, Family = (int)prob.Family.Family,
                Chunks = chunks,
            };
        }
        catch
        {
            Dispose();
            throw;
        }
        _hostMax = new double[nb];
        _hostSums = new double[nb * _sumsWidth];
        _hostMoments = new double[nb * _momentsWidth];
    }

    private DeviceBuffer<T> Own<T>(DeviceBuffer<T> d) where T : unmanaged
    {
        _owned.Add(d);
        DeviceBytes += d.Bytes;
        return d;
    }

    private ulong Upload<T>(ReadOnlySpan<T> host, string what) where T : unmanaged => Own(new DeviceBuffer<T>(_dev, host, what)).Pointer;

    /// <summary>"cuda".</summary>
    public string Name => "cuda";

    /// <summary>Bytes of device memory the backend holds.</summary>
    public long DeviceBytes { get; private set; }

    private void Launch(string kernel, long threads, params ReadOnlySpan<ulong> args) =>
        KernelLaunch.Run(_dev, _dev.Modules.Function(Program, kernel), kernel, threads, _pp, args);

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> beta, ReadOnlySpan<double> precision, BlockEstimate[] result)
    {
        var prob = _design.Problem;
        if (!PrecisionFactor.IsValid(prob.Layout, precision))
        {
            foreach (var r in result) r.LogMeanExp = double.NegativeInfinity;
            return;
        }
        _dev.MakeCurrent();
        _beta.Upload(beta);
        _precision.Upload(precision);
        int nb = prob.BlockCount;
        long warps = (long)nb * _pp.Chunks * 32;
        Launch("fg_is_fixed", prob.N);
        Launch("fg_is_draw", (long)nb * _m);
        Launch("fg_is_max", warps);
        Launch("fg_is_block_max", nb);
        Launch("fg_is_sums", warps);
        Launch("fg_is_block_sum", nb, KernelLaunch.Int(_sumsWidth), _sums.Pointer);
        Launch("fg_is_moments", warps);
        Launch("fg_is_block_sum", nb, KernelLaunch.Int(_momentsWidth), _moments.Pointer);
        _blockMax.Download(_hostMax);
        _sums.Download(_hostSums);
        _moments.Download(_hostMoments);
        for (int b = 0; b < nb; b++)
            ImportanceSums.ToEstimate(_design, b, precision, _m, _hostMax[b], _hostSums.AsSpan(b * _sumsWidth, _sumsWidth),
                _hostMoments.AsSpan(b * _momentsWidth, _momentsWidth), result[b]);
    }

    /// <summary>Frees every device buffer.</summary>
    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        _owned.Clear();
    }
}
