using FastGlmm.Likelihood;

namespace FastGlmm.Backends.Cpu;

internal sealed partial class CpuGlmmBackend<TLink, TDist>
{
    public void RunPirls(Span<double> pdev, double tolerance = Pirls.DecreaseTolerance)
    {
        var res = new double[_p.BlockCount];
        ForBlocks(b =>
        {
            var ops = new BlockOps(this, b);
            res[b] = Pirls.RunBlock(ref ops, b, tolerance);
        });
        res.CopyTo(pdev);
    }

    public void Evaluate(bool candidate, ReadOnlySpan<bool> flagged, Span<double> pdev)
    {
        var f = flagged.ToArray();
        var res = new double[_p.BlockCount];
        var at = candidate ? _cand : _u;
        ForBlocks(b => { if (f[b]) res[b] = Pass(b, at, assemble: true); });
        for (int b = 0; b < res.Length; b++) if (f[b]) pdev[b] = res[b];
    }

    public void Solve(ReadOnlySpan<bool> flagged, Span<bool> positiveDefinite, Span<double> decrease)
    {
        var f = flagged.ToArray();
        var ok = new bool[_p.BlockCount];
        var dec = new double[_p.BlockCount];
        ForBlocks(b => { if (f[b]) ok[b] = SolveBlock(b, out dec[b]); });
        for (int b = 0; b < ok.Length; b++)
            if (f[b]) { positiveDefinite[b] = ok[b]; decrease[b] = dec[b]; }
    }

    /// <summary>One block's PIRLS operations over this backend's buffers.</summary>
    private readonly struct BlockOps(CpuGlmmBackend<TLink, TDist> owner, int block) : IPirlsBlockOperations
    {
        public double EvaluateCurrent() => owner.Pass(block, owner._u, assemble: true);

        public bool Solve(out double decrease) => owner.SolveBlock(block, out decrease);

        public double EvaluateCandidate() => owner.Pass(block, owner._cand, assemble: true);

        public void Halve()
        {
            for (int j = owner._p.UOffsets[block]; j < owner._p.UOffsets[block + 1]; j++)
                owner._cand[j] = 0.5 * (owner._u[j] + owner._cand[j]);
        }

        public void Accept()
        {
            int lo = owner._p.UOffsets[block];
            Array.Copy(owner._cand, lo, owner._u, lo, owner._p.UOffsets[block + 1] - lo);
        }
    }
}
