namespace FastGlmm.Families;

/// <summary>
/// A link function g with η = g(μ), as a static-abstract struct operator: generic code
/// constrained to <c>TLink : struct, ILink</c> is specialized by the JIT, so hot loops carry no virtual calls.
/// Implementations reproduce the clamps of lme4's C++ <c>glmLink</c> classes (the values <c>glmer</c> uses),
/// use numerically stable forms, and never return NaN for finite η (±∞ is possible only where documented).
/// </summary>
public interface ILink
{
    /// <summary>The stable code of this link (shared with the GPU kernels).</summary>
    static abstract LinkId Id { get; }

    /// <summary>The inverse link μ = g⁻¹(η), clamped as lme4 clamps it.</summary>
    /// <param name="eta">Linear predictor η.</param>
    static abstract double LinkInverse(double eta);

    /// <summary>The derivative dμ/dη of the inverse link at η, clamped as lme4 clamps it.</summary>
    /// <param name="eta">Linear predictor η.</param>
    static abstract double MuEta(double eta);

    /// <summary>The link η = g(μ) (used for starting values; no clamps). Outside the domain of g: NaN or ±∞.</summary>
    /// <param name="mu">Mean μ.</param>
    static abstract double Link(double mu);
}
