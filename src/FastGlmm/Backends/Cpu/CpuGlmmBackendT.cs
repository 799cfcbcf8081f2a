using System.Runtime.CompilerServices;
using FastGlmm.Families;
using FastGlmm.Linalg;
using FastGlmm.Model;

namespace FastGlmm.Backends.Cpu;

/// <summary>
/// The CPU implementation of <see cref="IGlmmBackend"/>: managed loops over each block's rows,
/// <c>Parallel.For</c> over blocks, family and link as generic struct operators (no virtual calls in
/// the row loop), all buffers allocated once per problem.
/// </summary>
internal sealed partial class CpuGlmmBackend<TLink, TDist> : IGlmmBackend, Likelihood.IBatchedPirlsOperations
    where TLink : struct, ILink where TDist : struct, IDistribution
{
    private readonly GlmmProblem _p;
    private readonly double[] _eta0, _u, _cand, _rhs, _a, _t, _zl, _satConst;
    private readonly bool[] _factored;
    private readonly double[]? _entropy;
    private readonly long[] _aOffset;
    private readonly int[] _chunks;

    public CpuGlmmBackend(GlmmProblem problem)
    {
        _p = problem;
        int nb = problem.BlockCount;
        _eta0 = new double[problem.N];
        _u = new double[problem.TotalRandomEffects];
        _cand = new double[problem.TotalRandomEffects];
        _rhs = new double[problem.TotalRandomEffects];
        _aOffset = new long[nb + 1];
        _crossed = new Likelihood.CrossedLayout?[nb];
        _blocked = new BlockedCholesky?[nb];
        _crossedScratch = new (double[], double[], double[])[nb];
        for (int b = 0; b < nb; b++)
        {
            long m = problem.UOffsets[b + 1] - problem.UOffsets[b];
            if (Likelihood.CrossedBlock.Applies(problem, b) && problem.LeadSize[b] < m) // other terms too: never an AGQ block
            {
                // A large crossed block: a blocked factor instead of a dense m × m matrix (see CpuGlmmBackendT.Crossed.cs).
                _crossed[b] = Likelihood.CrossedBlock.Pattern(problem, b);
                _blocked[b] = _crossed[b]!.Pattern.CloneEmpty();
                _crossedScratch[b] = (new double[problem.RowOffsets[b + 1] - problem.RowOffsets[b]], new double[m], new double[m]);
                m = 0;
            }
            _aOffset[b + 1] = _aOffset[b] + m * m;
        }
        _a = new double[_aOffset[nb]];
        _factored = new bool[nb];
        _t = new double[problem.FactorOffsets[^1]];
        _zl = new double[(long)problem.N * problem.K];
        _satConst = Likelihood.SaturatedConstants.Compute(problem);
        if (IsBinomialLogit) _entropy = BinomialEntropy(problem);
        _chunks = BlockChunks(problem, BlockRanges);
    }

    public string Name => "cpu";

    public GlmmProblem Problem => _p;

    /// <summary>The (θ, β) of the last <see cref="SetParameters"/>, whose η₀ and ZΛ the buffers hold.</summary>
    private double[]? _setTheta, _setBeta;

    /// <remarks>
    /// η₀ depends on β alone and ZΛ on θ alone, and both are pure functions of them: a call that repeats the last θ
    /// (every joint PIRLS iteration) or the last β (a Laplace evaluation after the joint stage) skips that half.
    /// </remarks>
    public void SetParameters(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta)
    {
        bool eta = _setBeta is null || !beta.SequenceEqual(_setBeta), zl = _setTheta is null || !theta.SequenceEqual(_setTheta);
        if (!eta && !zl) return;
        if (zl) _p.FillFactors(theta, _t);
        var b = beta.ToArray();
        if (Serial) for (int c = 0; c < Chunks(_p.N); c++) LinearPredictor(c, b, eta, zl);
        else Parallel.For(0, Chunks(_p.N), c => LinearPredictor(c, b, eta, zl));
        _setBeta = b;
        _setTheta = theta.ToArray();
    }

    /// <summary>η₀ = offset + Xβ and/or the rows of ZΛ for chunk c of the rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LinearPredictor(int chunk, double[] beta, bool eta = true, bool zlRows = true)
    {
        int n = _p.N, p = _p.P, k = _p.K;
        var (lo, hi) = Range(chunk, n);
        var x = _p.X;
        var off = _p.Offset;
        if (eta)
            for (int i = lo; i < hi; i++)
            {
                double e = off[i];
                for (int j = 0; j < p; j++) e += x[(long)j * n + i] * beta[j];
                _eta0[i] = e;
            }
        if (zlRows) _p.ZLambdaRows(lo, hi, _t, _zl.AsSpan((int)((long)lo * k), (hi - lo) * k));
    }

    public void ResetModes() => Array.Clear(_u);

    public void ReadModes(Span<double> u) => _u.CopyTo(u);

    public void Halve(ReadOnlySpan<bool> flagged)
    {
        for (int b = 0; b < _p.BlockCount; b++)
        {
            if (!flagged[b]) continue;
            for (int j = _p.UOffsets[b]; j < _p.UOffsets[b + 1]; j++) _cand[j] = 0.5 * (_u[j] + _cand[j]);
        }
    }

    public void Accept(ReadOnlySpan<bool> flagged)
    {
        for (int b = 0; b < _p.BlockCount; b++)
        {
            if (!flagged[b]) continue;
            int lo = _p.UOffsets[b], len = _p.UOffsets[b + 1] - lo;
            Array.Copy(_cand, lo, _u, lo, len);
        }
    }

    /// <summary>Factors A_b in place (its Cholesky factor stays for <see cref="LogDeterminants"/>) and sets ũ_b = A_b⁻¹r_b; returns false if A_b is not PD.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SolveBlock(int b, out double decrease)
    {
        decrease = 0;
        {
            int lo = _p.UOffsets[b], m = _p.UOffsets[b + 1] - lo;
            if (m == 1) return SolveScalarBlock(b, lo, out decrease);
            if (_blocked[b] is { } f) return SolveCrossedBlock(b, f, out decrease);
            var a = _a.AsSpan((int)_aOffset[b], m * m);
            _factored[b] = DenseCholesky.FactorWithBlockDiagonalLead(a, m, _p.LeadSize[b], _p.LeadColumns);
            if (!_factored[b]) return false;
            var c = _cand.AsSpan(lo, m);
            _rhs.AsSpan(lo, m).CopyTo(c);
            DenseCholesky.SolveLower(a, m, c);
            DenseCholesky.SolveUpperTransposed(a, m, c);
            // ‖L'(ũ − u)‖²: the decrease the IRLS step predicts.
            double d = 0;
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int i = j; i < m; i++) s += a[j * m + i] * (c[i] - _u[lo + i]);
                d += s * s;
            }
            decrease = d;
            return true;
        }
    }

    /// <summary>
    /// <see cref="SolveBlock"/> for a block with one random effect, the same operations without the loops: L = √A,
    /// ũ = (r/L)/L, decrease = (L(ũ − u))².
    /// </summary>
    private bool SolveScalarBlock(int b, int lo, out double decrease)
    {
        decrease = 0;
        int at = (int)_aOffset[b];
        double d = _a[at];
        _factored[b] = d > 0;
        if (!_factored[b]) return false;
        double l = Math.Sqrt(d);
        _a[at] = l;
        double c = _rhs[lo] / l / l;
        _cand[lo] = c;
        double s = l * (c - _u[lo]);
        decrease = s * s;
        return true;
    }

    /// <summary>
    /// log det A_b from the factor the last <see cref="SolveBlock"/> left in place (PIRLS ends every block with one, at
    /// û), taken here rather than at every solve: a PIRLS run solves each block two or three times. NaN for a block
    /// whose last factorization failed.
    /// </summary>
    public void LogDeterminants(Span<double> logDet)
    {
        for (int b = 0; b < _p.BlockCount; b++)
        {
            int m = _p.UOffsets[b + 1] - _p.UOffsets[b];
            logDet[b] = !_factored[b] ? double.NaN
                : _blocked[b] is { } f ? f.LogDeterminant()
                : DenseCholesky.LogDeterminant(_a.AsSpan((int)_aOffset[b], m * m), m);
        }
    }

    public void Dispose() { }

    /// <summary>
    /// Contiguous ranges of blocks with about equal row counts. Threads take whole ranges, so the small
    /// per-block buffers one thread writes are never interleaved with another thread's (no false sharing).
    /// </summary>
    private static int[] BlockChunks(GlmmProblem p, int target)
    {
        int nb = p.BlockCount;
        var cuts = new List<int> { 0 };
        long perChunk = Math.Max(1, (long)p.N / Math.Max(1, target));
        for (int b = 0; b < nb; b++)
            if (p.RowOffsets[b + 1] - (long)p.RowOffsets[cuts[^1]] >= perChunk && b + 1 < nb) cuts.Add(b + 1);
        cuts.Add(nb);
        return cuts.ToArray();
    }

    /// <summary>
    /// Below this many rows a pass runs on one thread: handing work to the thread pool costs tens to
    /// hundreds of microseconds, more than a pass over a small data set takes.
    /// </summary>
    internal const int ParallelRowThreshold = 20_000;

    /// <summary>
    /// How many ranges of blocks a large problem is cut into: a constant, never a function of the core count, so
    /// that the per-range partial sums, added in range order, are bit-identical on any number of threads.
    /// </summary>
    internal const int BlockRanges = 64;

    /// <summary>Serial or range-parallel by the row count alone: the choice changes how sums are grouped.</summary>
    private bool Serial => _p.N < ParallelRowThreshold;

    /// <summary>Runs <paramref name="body"/> for every block, ranges of blocks in parallel on large problems.</summary>
    private void ForBlocks(Action<int> body)
    {
        if (Serial)
        {
            for (int b = 0; b < _p.BlockCount; b++) body(b);
            return;
        }
        Unwrapped(() => Parallel.For(0, _chunks.Length - 1, c =>
        {
            for (int b = _chunks[c]; b < _chunks[c + 1]; b++) body(b);
        }));
    }

    /// <summary>
    /// Runs a parallel loop and rethrows what its bodies threw as the serial loop would have: the failure of the
    /// lowest block (a <see cref="Likelihood.PirlsException"/>), else the first exception, not an
    /// <see cref="AggregateException"/>, so that callers catching PIRLS failures (a cold restart, a refit's
    /// failure report) see them on large problems too.
    /// </summary>
    private static void Unwrapped(Action loop)
    {
        try { loop(); }
        catch (AggregateException e)
        {
            var inner = e.Flatten().InnerExceptions;
            var first = inner.OfType<Likelihood.PirlsException>().OrderBy(x => x.Block).FirstOrDefault() ?? inner[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    /// <summary>
    /// As <see cref="ForBlocks(Action{int})"/>, with per-range state made by <paramref name="init"/>; returns the
    /// states in range order (one state when serial), so that sums over them do not depend on the thread schedule.
    /// </summary>
    private TState[] ForBlocks<TState>(Func<TState> init, Action<int, TState> body)
    {
        if (Serial)
        {
            var state = init();
            for (int b = 0; b < _p.BlockCount; b++) body(b, state);
            return [state];
        }
        var states = new TState[_chunks.Length - 1];
        Unwrapped(() => Parallel.For(0, _chunks.Length - 1, c =>
        {
            var state = init();
            for (int b = _chunks[c]; b < _chunks[c + 1]; b++) body(b, state);
            states[c] = state;
        }));
        return states;
    }

    /// <summary>Row chunks of the linear-predictor pass (per-row work: the count changes no value, only the schedule).</summary>
    private static int Chunks(int n) => Math.Max(1, Math.Min(64, n / 8192));

    private static (int, int) Range(int c, int n)
    {
        int chunks = Chunks(n);
        return ((int)((long)n * c / chunks), (int)((long)n * (c + 1) / chunks));
    }
}
