using FastGlmm.Rng;

namespace FastGlmm.MonteCarlo;

/// <summary>
/// m draws per block from its <see cref="BlockProposal"/>, made once (common random numbers), so that the
/// Monte Carlo likelihood is a smooth, deterministic function of (β, θ). Per block b it stores the draws
/// (m × q_b row-major), log f̃ of each draw, and each draw's packed sufficient statistics S_t (m × #θ).
/// Draw k of block b uses <see cref="PhiloxStream"/>(seed, stream = round·2³² + b) and is stratified by
/// component (<see cref="MixtureWeights.Counts"/>), so results are reproducible for any thread count.
/// </summary>
public sealed class ImportanceSample
{
    /// <summary>Draws the sample.</summary>
    /// <param name="design">The block layout.</param>
    /// <param name="proposals">One importance density per block.</param>
    /// <param name="m">Draws per block.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="round">The centring round (0 first; each re-centring draws afresh).</param>
    public ImportanceSample(ImportanceDesign design, BlockProposal[] proposals, int m, ulong seed, int round)
    {
        int nb = proposals.Length, nt = design.Problem.Layout.Count;
        long total = 0;
        for (int b = 0; b < nb; b++) total += (long)m * (design.Dimension(b) + nt + 1);
        if (total > 1L << 28)
            throw new UserInputException($"--m {m}: the importance sample would take {total * 8.0 / (1L << 30):F1} GiB (more than 2 GiB); use fewer draws per block");
        Design = design;
        Proposals = proposals;
        DrawsPerBlock = m;
        Seed = seed;
        Draws = new double[nb][];
        LogProposal = new double[nb][];
        Stats = new double[nb][];
        var counts = proposals.Length > 0 ? proposals[0].Weights.Counts(m) : (0, 0, 0);
        const int chunk = 2048;
        int chunksPerBlock = (m + chunk - 1) / chunk;
        for (int b = 0; b < nb; b++)
        {
            Draws[b] = new double[(long)m * design.Dimension(b)];
            LogProposal[b] = new double[m];
            Stats[b] = new double[(long)m * nt];
        }
        Parallel.For(0, nb * chunksPerBlock, job =>
        {
            int b = job / chunksPerBlock, k0 = job % chunksPerBlock * chunk;
            DrawRange(b, k0, Math.Min(m, k0 + chunk), counts, round);
        });
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void DrawRange(int b, int k0, int k1, (int Normal, int T, int Prior) counts, int round)
    {
        var prop = Proposals[b];
        int q = prop.Dimension, nt = Design.Problem.Layout.Count;
        var stream = new PhiloxStream(Seed, ((ulong)round << 32) + (ulong)b);
        var work = new double[q];
        for (int k = k0; k < k1; k++)
        {
            int component = k < counts.Normal ? 0 : k < counts.Normal + counts.T ? 1 : 2;
            var draw = Draws[b].AsSpan((int)((long)k * q), q);
            prop.Draw(stream, k, component, draw);
            LogProposal[b][k] = prop.LogDensity(draw, work);
            Design.Statistics(b, draw, Stats[b].AsSpan((int)((long)k * nt), nt));
        }
    }

    /// <summary>The block layout.</summary>
    public ImportanceDesign Design { get; }

    /// <summary>The importance densities.</summary>
    public BlockProposal[] Proposals { get; }

    /// <summary>m, draws per block.</summary>
    public int DrawsPerBlock { get; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>Per block: the draws, m × q_b row-major.</summary>
    public double[][] Draws { get; }

    /// <summary>Per block: log f̃ of each draw.</summary>
    public double[][] LogProposal { get; }

    /// <summary>Per block: each draw's packed S_t, m × #θ row-major.</summary>
    public double[][] Stats { get; }
}
