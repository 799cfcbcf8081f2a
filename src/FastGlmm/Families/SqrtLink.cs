using System.Runtime.CompilerServices;
namespace FastGlmm.Families;

/// <summary>
/// The square-root link: η = √μ, μ = η², dμ/dη = 2η, as R's <c>make.link("sqrt")</c>, which lme4's PIRLS calls
/// (no clamps; the link is meaningful for η &gt; 0, and dμ/dη = 0 at η = 0 makes the working response infinite there,
/// which PIRLS reports as a failure).
/// </summary>
public readonly struct SqrtLink : ILink
{
    /// <summary><see cref="LinkId.Sqrt"/>.</summary>
    public static LinkId Id => LinkId.Sqrt;

    /// <summary>μ = η².</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LinkInverse(double eta) => eta * eta;

    /// <summary>dμ/dη = 2η.</summary>
    /// <param name="eta">Linear predictor.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MuEta(double eta) => 2 * eta;

    /// <summary>η = √μ (NaN for μ &lt; 0).</summary>
    /// <param name="mu">Mean.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Link(double mu) => Math.Sqrt(mu);
}
