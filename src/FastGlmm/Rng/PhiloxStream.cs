using System.Runtime.CompilerServices;

namespace FastGlmm.Rng;

/// <summary>
/// A stateless stream of random variates: every draw is a pure function of (seed, stream, index), so draws can
/// be made in any order, in parallel, on the CPU or a GPU, and reproduced exactly.
/// </summary>
/// <remarks>
/// <para><b>Scheme (bit-exact; a kernel must do exactly this).</b></para>
/// <list type="bullet">
/// <item>Key: K = seed ⊕ Mix64(stream), k₀ = low 32 bits of K, k₁ = high 32 bits. Mix64 is the splitmix64
/// finalizer z ← (z ⊕ z≫30)·0xBF58476D1CE4E5B9, z ← (z ⊕ z≫27)·0x94D049BB133111EB, z ← z ⊕ z≫31 (mod 2⁶⁴), a bijection
/// with Mix64(0) = 0, so distinct streams of one seed have distinct keys and stream 0 uses key = seed.</item>
/// <item>Block(i, j) = Philox4x32-10 of counter (lo(i), hi(i), lo(j), hi(j)) under (k₀, k₁) → words x₀..x₃:
/// i is the draw index and j a sub-counter for draws that need more than one block.</item>
/// <item>U(a, b) = <see cref="Philox4x32.ToUniform"/>(a, b): 53 bits, in (0, 1).</item>
/// <item><see cref="Uniform"/>(i) = U(x₀, x₁) of Block(i, 0).</item>
/// <item><see cref="Normal"/>(i): Box–Muller on Block(i, 0): u₁ = U(x₀, x₁), u₂ = U(x₂, x₃),
/// z = √(−2 log u₁)·cos(2π u₂) computed as cospi(2u₂); the sine partner is discarded.</item>
/// <item>Samplers (<see cref="Poisson"/>, <see cref="Binomial"/>, <see cref="Gamma"/>) document which blocks they use.</item>
/// </list>
/// <para>The uniforms are bit-exact everywhere. Transformed variates go through log, sqrt, cospi and log-gamma,
/// whose last-ulp rounding can differ between libraries (CUDA vs .NET), so normals and gammas agree to about
/// 1 ulp, and a rejection sampler's accept/reject decision can, with probability of order 1e-16 per draw,
/// differ. Different methods called with the same index reuse the same blocks and are dependent: give each
/// variate its own index (or stream).</para>
/// </remarks>
/// <param name="seed">The seed (any 64-bit value).</param>
/// <param name="stream">The stream number, e.g. a replicate or thread number.</param>
public readonly partial struct PhiloxStream(ulong seed, ulong stream)
{
    private readonly uint _k0 = (uint)(seed ^ Mix64(stream));
    private readonly uint _k1 = (uint)((seed ^ Mix64(stream)) >> 32);

    /// <summary>The seed.</summary>
    public ulong Seed { get; } = seed;

    /// <summary>The stream number.</summary>
    public ulong Stream { get; } = stream;

    /// <summary>The splitmix64 finalizer, a bijection of 64-bit integers with Mix64(0) = 0.</summary>
    /// <param name="z">Input.</param>
    public static ulong Mix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Block(index, subCounter): Philox4x32-10 of counter (lo(index), hi(index), lo(sub), hi(sub)).</summary>
    /// <param name="index">Draw index.</param>
    /// <param name="subCounter">Sub-counter j (0 for single-block draws).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Philox4x32Block Block(ulong index, ulong subCounter) =>
        Philox4x32.Generate((uint)index, (uint)(index >> 32), (uint)subCounter, (uint)(subCounter >> 32), _k0, _k1);

    /// <summary>A uniform in (0, 1) with 53 random bits: U(x₀, x₁) of Block(index, 0). Never 0 or 1.</summary>
    /// <param name="index">Draw index.</param>
    public double Uniform(ulong index)
    {
        var b = Block(index, 0);
        return Philox4x32.ToUniform(b.X0, b.X1);
    }

    /// <summary>
    /// A standard normal by Box–Muller on Block(index, 0): √(−2 log U(x₀, x₁))·cospi(2·U(x₂, x₃)).
    /// Finite: |z| ≤ √(−2 log 2⁻⁵⁴) ≈ 8.66.
    /// </summary>
    /// <param name="index">Draw index.</param>
    public double Normal(ulong index) => NormalFromBlock(Block(index, 0));

    /// <summary>
    /// Both standard normals of Box–Muller on Block(index, 0): r·cospi(2u₂) (<see cref="Normal"/> up to the last ulp: sincospi and cospi may round differently) and
    /// r·sinpi(2u₂), with r = √(−2 log u₁); independent of each other.
    /// </summary>
    /// <param name="index">Draw index.</param>
    public (double Cos, double Sin) NormalPair(ulong index)
    {
        var b = Block(index, 0);
        double r = Math.Sqrt(-2.0 * Math.Log(Philox4x32.ToUniform(b.X0, b.X1)));
        var (sin, cos) = double.SinCosPi(2.0 * Philox4x32.ToUniform(b.X2, b.X3));
        return (r * cos, r * sin);
    }

    private static double NormalFromBlock(Philox4x32Block b)
    {
        double u1 = Philox4x32.ToUniform(b.X0, b.X1);
        double u2 = Philox4x32.ToUniform(b.X2, b.X3);
        return Math.Sqrt(-2.0 * Math.Log(u1)) * double.CosPi(2.0 * u2);
    }
}
