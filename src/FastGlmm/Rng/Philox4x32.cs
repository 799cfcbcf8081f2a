using System.Runtime.CompilerServices;

namespace FastGlmm.Rng;

/// <summary>One 128-bit output block of Philox4x32: four 32-bit words.</summary>
/// <param name="X0">Word 0.</param>
/// <param name="X1">Word 1.</param>
/// <param name="X2">Word 2.</param>
/// <param name="X3">Word 3.</param>
public readonly record struct Philox4x32Block(uint X0, uint X1, uint X2, uint X3);

/// <summary>
/// The Philox4x32-10 counter-based generator of Salmon, Moraes, Dror and Shaw (SC'11; Random123) as a pure
/// function of a 128-bit counter (c₀, c₁, c₂, c₃) and a 64-bit key (k₀, k₁).
/// One round: (h₀, l₀) = hi/lo(M₀·c₀), (h₁, l₁) = hi/lo(M₁·c₂) (32×32→64-bit products),
/// c ← (h₁ ⊕ c₁ ⊕ k₀, l₁, h₀ ⊕ c₃ ⊕ k₁, l₀); between rounds the key is bumped k₀ += W₀, k₁ += W₁ (mod 2³²).
/// Ten rounds (nine bumps); M₀ = 0xD2511F53, M₁ = 0xCD9E8D57, W₀ = 0x9E3779B9, W₁ = 0xBB67AE85.
/// Matches the Random123 known-answer vectors.
/// </summary>
public static class Philox4x32
{
    /// <summary>Multiplier M₀ = 0xD2511F53 (applied to word 0).</summary>
    public const uint M0 = 0xD2511F53;

    /// <summary>Multiplier M₁ = 0xCD9E8D57 (applied to word 2).</summary>
    public const uint M1 = 0xCD9E8D57;

    /// <summary>Weyl key increment W₀ = 0x9E3779B9 (golden ratio).</summary>
    public const uint W0 = 0x9E3779B9;

    /// <summary>Weyl key increment W₁ = 0xBB67AE85 (√3 − 1).</summary>
    public const uint W1 = 0xBB67AE85;

    /// <summary>The number of rounds, 10.</summary>
    public const int Rounds = 10;

    /// <summary>Philox4x32-10 of counter (c0, c1, c2, c3) under key (k0, k1).</summary>
    /// <param name="c0">Counter word 0.</param>
    /// <param name="c1">Counter word 1.</param>
    /// <param name="c2">Counter word 2.</param>
    /// <param name="c3">Counter word 3.</param>
    /// <param name="k0">Key word 0.</param>
    /// <param name="k1">Key word 1.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Philox4x32Block Generate(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1) =>
        Generate(c0, c1, c2, c3, k0, k1, Rounds);

    /// <summary>Philox4x32 with a given number of rounds (for the 7-round known-answer test).</summary>
    internal static Philox4x32Block Generate(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, int rounds)
    {
        for (int r = 0; r < rounds; r++)
        {
            if (r > 0) { k0 += W0; k1 += W1; }
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            c1 = (uint)p1;
            c3 = (uint)p0;
            c0 = n0;
            c2 = n2;
        }
        return new Philox4x32Block(c0, c1, c2, c3);
    }

    /// <summary>
    /// A uniform double in (0, 1) from two words: m = ((hi·2³² + lo) &gt;&gt; 11), the top 53 bits, and
    /// u = m·2⁻⁵³, except m = 0 maps to 2⁻⁵⁴. Each of the 2⁵³ values has probability 2⁻⁵³; the result is never 0 or 1
    /// (min 2⁻⁵⁴, max 1 − 2⁻⁵³) and is exact, so a GPU kernel reproduces it bit for bit.
    /// </summary>
    /// <param name="lo">Low word.</param>
    /// <param name="hi">High word.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUniform(uint lo, uint hi)
    {
        ulong m = (((ulong)hi << 32) | lo) >> 11;
        return m == 0 ? TwoPowMinus54 : m * TwoPowMinus53;
    }

    private const double TwoPowMinus53 = 1.0 / 9007199254740992.0;
    private const double TwoPowMinus54 = 1.0 / 18014398509481984.0;
}
