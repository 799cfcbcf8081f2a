using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>The identity link: η = μ, μ = η, dμ/dη = 1. No clamps.</summary>
public readonly struct IdentityLink : ILink
{
    /// <summary><see cref="LinkId.Identity"/>.</summary>
    public static LinkId Id => LinkId.Identity;

    /// <summary>μ = η.</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LinkInverse(double eta) => eta;

    /// <summary>dμ/dη = 1.</summary>
    /// <param name="eta">Linear predictor (unused).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MuEta(double eta) => 1.0;

    /// <summary>η = μ.</summary>
    /// <param name="mu">Mean.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Link(double mu) => mu;
}
