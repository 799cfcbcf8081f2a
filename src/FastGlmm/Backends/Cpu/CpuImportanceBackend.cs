using FastGlmm.Families;
using FastGlmm.MonteCarlo;

namespace FastGlmm.Backends.Cpu;

/// <summary>Creates the CPU importance backend for the problem's family.</summary>
public static class CpuImportanceBackend
{
    /// <summary>A backend over <paramref name="sample"/>; the family must pass <see cref="ConditionalLogLikelihood.CheckSupported"/>.</summary>
    public static IImportanceBackend Create(ImportanceSample sample)
    {
        var spec = sample.Design.Problem.Family;
        ConditionalLogLikelihood.CheckSupported(spec);
        return spec.Family == FamilyId.Binomial
            ? new CpuImportanceBackend<BinomialLogitLikelihood>(sample)
            : new CpuImportanceBackend<PoissonLogLikelihood>(sample);
    }
}

/// <summary>
/// The CPU implementation of <see cref="IImportanceBackend"/>: <c>Parallel.For</c> over chunks of draws of
/// every block, one pass per draw (<see cref="ImportanceKernel.LogWeight{TLik}"/>), with each chunk's weighted
/// row curvature kept relative to its own running maximum log weight and rescaled when that grows; then a
/// <see cref="ImportanceKernel.Reduce"/> per block. Buffers are allocated once.
/// </summary>
internal sealed class CpuImportanceBackend<TLik> : IImportanceBackend where TLik : struct, IConditionalLogLikelihood
{
    private const int ChunkDraws = 1024;
    private readonly ImportanceSample _sample;
    private readonly ImportanceDesign _design;
    private readonly double[] _fixed;
    private readonly double[][] _logWeights, _gradients, _rowCurvature;
    private readonly (int Block, int First, int End)[] _chunks;
    private readonly double[][] _chunkCurvature, _chunkRows;
    private readonly double[] _chunkMax;
    private readonly int[] _firstChunk;

    public CpuImportanceBackend(ImportanceSample sample)
    {
        _sample = sample;
        _design = sample.Design;
        var prob = _design.Problem;
        int nb = prob.BlockCount, m = sample.DrawsPerBlock, d = prob.P + prob.Layout.Count;
        _fixed = new double[prob.N];
        _logWeights = new double[nb][];
        _gradients = new double[nb][];
        _rowCurvature = new double[nb][];
        var chunks = new List<(int, int, int)>();
        _firstChunk = new int[nb + 1];
        for (int b = 0; b < nb; b++)
        {
            _firstChunk[b] = chunks.Count;
            _logWeights[b] = new double[m];
            _gradients[b] = new double[(long)m * d];
            _rowCurvature[b] = new double[prob.RowOffsets[b + 1] - prob.RowOffsets[b]];
            for (int k = 0; k < m; k += ChunkDraws) chunks.Add((b, k, Math.Min(m, k + ChunkDraws)));
        }
        _firstChunk[nb] = chunks.Count;
        _chunks = chunks.ToArray();
        _chunkCurvature = new double[_chunks.Length][];
        _chunkRows = new double[_chunks.Length][];
        _chunkMax = new double[_chunks.Length];
        for (int c = 0; c < _chunks.Length; c++)
        {
            int rows = _rowCurvature[_chunks[c].Block].Length;
            _chunkCurvature[c] = new double[rows];
            _chunkRows[c] = new double[3 * rows];
        }
    }

    public string Name => "cpu";

    public void Evaluate(ReadOnlySpan<double> beta, ReadOnlySpan<double> precision, BlockEstimate[] result)
    {
        var prob = _design.Problem;
        if (!PrecisionFactor.IsValid(prob.Layout, precision))
        {
            foreach (var r in result) r.LogMeanExp = double.NegativeInfinity;
            return;
        }
        int n = prob.N, p = prob.P, nt = prob.Layout.Count, d = p + nt;
        for (int i = 0; i < n; i++)
        {
            double f = prob.Offset[i];
            for (int j = 0; j < p; j++) f += _design.XRows[(long)i * p + j] * beta[j];
            _fixed[i] = f;
        }
        var prec = precision.ToArray();
        Parallel.For(0, _chunks.Length, c => RunChunk(c, prec, d, nt));
        Parallel.For(0, prob.BlockCount, b =>
        {
            var lw = _logWeights[b];
            double a = double.NegativeInfinity;
            foreach (var x in lw) if (x > a) a = x;
            var acc = _rowCurvature[b];
            Array.Clear(acc);
            if (double.IsFinite(a))
                for (int c = _firstChunk[b]; c < _firstChunk[b + 1]; c++)
                {
                    if (!double.IsFinite(_chunkMax[c])) continue;
                    double s = Math.Exp(_chunkMax[c] - a);
                    var cc = _chunkCurvature[c];
                    for (int i = 0; i < acc.Length; i++) acc[i] += s * cc[i];
                }
            ImportanceKernel.Reduce(_design, b, prec, lw, _gradients[b], _sample.Stats[b], acc, result[b]);
        });
    }

    private void RunChunk(int c, double[] precision, int d, int nt)
    {
        var (b, k0, k1) = _chunks[c];
        int q = _design.Dimension(b);
        double priorConstant = -0.5 * q * Math.Log(2 * Math.PI);
        var draws = _sample.Draws[b];
        var stats = _sample.Stats[b];
        var logProposal = _sample.LogProposal[b];
        var lw = _logWeights[b];
        var grads = _gradients[b];
        var acc = _chunkCurvature[c];
        var rows = _chunkRows[c].AsSpan(0, acc.Length);
        var scratch = _chunkRows[c].AsSpan(acc.Length);
        Array.Clear(acc);
        double max = double.NegativeInfinity;
        for (int k = k0; k < k1; k++)
        {
            double w = ImportanceKernel.LogWeight<TLik>(_design, b, _fixed, precision, draws.AsSpan(k * q, q),
                stats.AsSpan(k * nt, nt), logProposal[k], priorConstant, grads.AsSpan(k * d, d), rows, scratch);
            if (double.IsNaN(w)) w = double.NegativeInfinity;
            lw[k] = w;
            if (w == double.NegativeInfinity) continue;
            if (w > max)
            {
                if (double.IsFinite(max))
                {
                    double s = Math.Exp(max - w);
                    for (int i = 0; i < acc.Length; i++) acc[i] *= s;
                }
                max = w;
            }
            double e = Math.Exp(w - max);
            for (int i = 0; i < acc.Length; i++) acc[i] += e * rows[i];
        }
        _chunkMax[c] = max;
    }

    public void Dispose() { }
}
