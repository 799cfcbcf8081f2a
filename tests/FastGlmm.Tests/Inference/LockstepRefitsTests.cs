using FastGlmm.Backends;
using FastGlmm.Backends.Cpu;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Tests.Inference;

/// <summary>
/// The lockstep refit driver: every replicate's refit equals refitting it alone (GlmmFitter with the same warm
/// start), for Laplace and AGQ; a replicate whose evaluation fails is retired with its reason while the others
/// finish; the batch sees one call per round.
/// </summary>
public class LockstepRefitsTests
{
    private static ModelFrame Cbpp() => ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)",
        new ModelFrameOptions { Family = new FamilySpec(FamilyId.Binomial, LinkId.Logit) });

    /// <summary>Hides <see cref="IIndependentRefitBatch"/>, so that the driver runs its lockstep rounds.</summary>
    private sealed class RoundsOnly(IRefitBatch inner) : IRefitBatch
    {
        public int Calls;
        public string Name => inner.Name;
        public int Count => inner.Count;
        public void Evaluate(ReadOnlySpan<int> replicates, IReadOnlyList<double[]> points, ReadOnlySpan<StageObjective> on, Span<double> values, string?[] failures)
        {
            Calls++;
            inner.Evaluate(replicates, points, on, values, failures);
        }
        public void Release(int replicate) => inner.Release(replicate);
        public void Dispose() => inner.Dispose();
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(5, false)]
    [InlineData(5, true)]
    public void EachReplicate_EqualsItsSeparateRefit(int nagq, bool inRounds)
    {
        var frame = Cbpp();
        var fit = MixedModel.Fit(frame, new FitOptions { Nagq = nagq });
        var prob = new GlmmProblem(frame);
        var warm = WarmStart.From(fit, 2e-2) with { PirlsTolerance = Pirls.CoarseDecreaseTolerance };
        var ys = Enumerable.Range(0, 7).Select(r => ResponseSimulator.Simulate(prob, fit.Theta, fit.Beta, 1.0, 3, r)).ToArray();
        var cpu = new CpuRefitBatch(frame, ys, nagq, warm.PirlsTolerance);
        var rounded = new RoundsOnly(cpu);
        using IRefitBatch batch = inRounds ? rounded : cpu;
        var lower = new ThetaLayout(frame.RandomTerms).Lower.ToArray();
        var retired = new List<int>();
        var outs = LockstepRefits.Run(batch, warm, lower, nagq, 20_000, out int rounds, (r, _) => { lock (retired) retired.Add(r); });
        Assert.Equal(Enumerable.Range(0, ys.Length), retired.Order());
        Assert.Equal(inRounds ? rounds : 0, rounded.Calls);
        for (int r = 0; r < ys.Length; r++)
        {
            var alone = GlmmFitter.Fit(frame.WithResponse(ys[r]), nagq: nagq, warmStart: warm);
            Assert.Null(outs[r].Failure);
            Assert.Equal(alone.Theta, outs[r].Theta);
            Assert.Equal(alone.Beta, outs[r].Beta);
            Assert.Equal(alone.Deviance, outs[r].Deviance);
            Assert.Equal(alone.Optimizer.Evaluations, outs[r].Evaluations);
        }
        Assert.Equal(outs.Max(o => o.Evaluations), rounds);
        Assert.True(outs.Min(o => o.Evaluations) < rounds, "replicates finish at different rounds and retire");
    }

    /// <summary>A quadratic per replicate; replicate 1 fails at its 4th evaluation.</summary>
    private sealed class FakeBatch : IRefitBatch
    {
        public readonly int[] Calls = new int[3];
        public readonly List<int> Released = [];
        public string Name => "fake";
        public int Count => 3;
        public void Evaluate(ReadOnlySpan<int> replicates, IReadOnlyList<double[]> points, ReadOnlySpan<StageObjective> on, Span<double> values, string?[] failures)
        {
            for (int i = 0; i < replicates.Length; i++)
            {
                int r = replicates[i];
                Calls[r]++;
                var v = points[i];
                failures[i] = r == 1 && Calls[r] == 4 ? "PIRLS failed for replicate 1" : null;
                values[i] = failures[i] is null ? v.Select((x, j) => (x - 0.3 * r - j) * (x - 0.3 * r - j)).Sum() : double.NaN;
            }
        }
        public void Release(int replicate) => Released.Add(replicate);
        public void Dispose() { }
    }

    [Fact]
    public void FailedReplicate_IsRetiredWithItsReason_OthersFinish()
    {
        var warm = new WarmStart([1.0], [0.0, 1.0], [1.0, 1.0], 1e-3, null);
        var batch = new FakeBatch();
        var outs = LockstepRefits.Run(batch, warm, [0.0], 1, 500, out _);
        Assert.Equal("PIRLS failed for replicate 1", outs[1].Failure);
        Assert.Empty(outs[1].Theta);
        Assert.Equal(4, batch.Calls[1]);
        foreach (int r in new[] { 0, 2 })
        {
            Assert.Null(outs[r].Failure);
            Assert.Equal(0.3 * r, outs[r].Theta[0], 2);
            Assert.Equal(1 + 0.3 * r, outs[r].Beta[0], 2);
            Assert.Equal(2 + 0.3 * r, outs[r].Beta[1], 2);
            Assert.Contains(r, batch.Released);
        }
    }

    [Fact]
    public void Cancelled_Run_KeepsTheFinishedReplicates_AndMarksTheRestInterrupted()
    {
        var frame = Cbpp();
        var fit = MixedModel.Fit(frame);
        var prob = new GlmmProblem(frame);
        var warm = WarmStart.From(fit, 2e-2) with { PirlsTolerance = Pirls.CoarseDecreaseTolerance };
        var ys = Enumerable.Range(0, 40).Select(r => ResponseSimulator.Simulate(prob, fit.Theta, fit.Beta, 1.0, 5, r)).ToArray();
        var lower = new ThetaLayout(frame.RandomTerms).Lower.ToArray();
        foreach (bool inRounds in new[] { false, true })
        {
            var cpu = new CpuRefitBatch(frame, ys, 1, warm.PirlsTolerance);
            using IRefitBatch batch = inRounds ? new RoundsOnly(cpu) : cpu;
            using var cts = new CancellationTokenSource();
            int done = 0;
            var outs = LockstepRefits.Run(batch, warm, lower, 1, 20_000, out _,
                (_, _) => { if (Interlocked.Increment(ref done) == 3) cts.Cancel(); }, cts.Token);
            int finished = outs.Count(o => !o.Interrupted);
            Assert.InRange(finished, 3, ys.Length - 1);
            Assert.Equal(done, finished);
            for (int r = 0; r < ys.Length; r++)
            {
                if (outs[r].Interrupted)
                {
                    Assert.Empty(outs[r].Theta);
                    continue;
                }
                var alone = GlmmFitter.Fit(frame.WithResponse(ys[r]), warmStart: warm);
                Assert.Equal(alone.Theta, outs[r].Theta);
                Assert.Equal(alone.Beta, outs[r].Beta);
            }
        }
    }
}
