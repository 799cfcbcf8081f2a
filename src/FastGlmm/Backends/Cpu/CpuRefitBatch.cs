using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;

namespace FastGlmm.Backends.Cpu;

/// <summary>
/// The CPU implementation of <see cref="IRefitBatch"/>: replicate r owns a <see cref="LaplaceDeviance"/> over the
/// frame with response y_r (made on first use, warm-starting its modes from its previous evaluation, as one fit
/// does) and an <see cref="AgqDeviance"/> sharing its backend when nAGQ &gt; 1; a batched call evaluates the asked
/// replicates with <c>Parallel.For</c>, and, being an <see cref="IIndependentRefitBatch"/>, each replicate can also
/// be evaluated alone. Each replicate's values are exactly those of fitting it alone.
/// </summary>
public sealed class CpuRefitBatch : IIndependentRefitBatch
{
    private readonly ModelFrame _frame;
    private readonly IReadOnlyList<double[]> _responses;
    private readonly int _nagq, _nt;
    private readonly double _pirlsTolerance;
    private readonly LaplaceDeviance?[] _laplace;
    private readonly AgqDeviance?[] _agq;

    /// <summary>A batch over <paramref name="frame"/> with one response vector (n) per replicate.</summary>
    /// <param name="frame">The model frame (its response is replaced per replicate).</param>
    /// <param name="responses">y_r for each replicate.</param>
    /// <param name="nagq">Nodes per dimension of the AGQ objective (1: Laplace only).</param>
    /// <param name="pirlsTolerance">PIRLS's decrease tolerance (see <see cref="Pirls.CoarseDecreaseTolerance"/>).</param>
    public CpuRefitBatch(ModelFrame frame, IReadOnlyList<double[]> responses, int nagq, double pirlsTolerance)
    {
        _frame = frame;
        _responses = responses;
        _nagq = nagq;
        _pirlsTolerance = pirlsTolerance;
        _nt = new Model.ThetaLayout(frame.RandomTerms).Count;
        _laplace = new LaplaceDeviance?[responses.Count];
        _agq = new AgqDeviance?[responses.Count];
    }

    /// <summary>The CPU's <see cref="RefitBatchFactory"/>.</summary>
    public static IRefitBatch Create(ModelFrame frame, IReadOnlyList<double[]> responses, int nagq, double pirlsTolerance) =>
        new CpuRefitBatch(frame, responses, nagq, pirlsTolerance);

    /// <inheritdoc/>
    public string Name => "cpu";

    /// <inheritdoc/>
    public int Count => _responses.Count;

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<int> replicates, IReadOnlyList<double[]> points, ReadOnlySpan<StageObjective> on,
        Span<double> values, string?[] failures)
    {
        var reps = replicates.ToArray();
        var which = on.ToArray();
        var result = new double[reps.Length];
        Parallel.For(0, reps.Length, i => result[i] = EvaluateOne(reps[i], points[i], which[i], out failures[i]));
        result.CopyTo(values);
    }

    /// <inheritdoc/>
    public double EvaluateOne(int r, double[] v, StageObjective on, out string? failure)
    {
        try
        {
            var lap = _laplace[r] ??= new LaplaceDeviance(_frame.WithResponse(_responses[r])) { PirlsTolerance = _pirlsTolerance };
            failure = null;
            if (on != StageObjective.Agq) return lap.Evaluate(v.AsSpan(0, _nt), v.AsSpan(_nt));
            var agq = _agq[r] ??= new AgqDeviance(lap.Backend, _nagq);
            return agq.Evaluate(v.AsSpan(0, _nt), v.AsSpan(_nt));
        }
        catch (Exception e) when (e is InvalidOperationException or UserInputException or ArithmeticException)
        {
            failure = e.Message.Split('\n')[0];
            Release(r);
            return double.NaN;
        }
    }

    /// <inheritdoc/>
    public void Release(int r)
    {
        _laplace[r]?.Backend.Dispose();
        _laplace[r] = null;
        _agq[r] = null;
    }

    /// <summary>Frees every replicate's objects.</summary>
    public void Dispose()
    {
        for (int r = 0; r < _laplace.Length; r++) Release(r);
    }
}
