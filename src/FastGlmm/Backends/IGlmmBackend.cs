using FastGlmm.Model;

namespace FastGlmm.Backends;

/// <summary>
/// The batched, device-resident operations the likelihood algorithms call. A backend owns one
/// <see cref="GlmmProblem"/>'s data and per-block state: the modes u, a candidate ũ, and each
/// block's system A_b = Λ_b'Z_b'W Z_bΛ_b + I with right-hand side r_b = Λ_b'Z_b'W z̃ (z̃ the working
/// residual). Every call works on all blocks (or those flagged) at once and returns only per-block
/// scalars. The algorithms (PIRLS, Laplace, AGQ) live in core and are written once over this seam.
/// </summary>
public interface IGlmmBackend : IDisposable
{
    /// <summary>The backend's name, e.g. "cpu".</summary>
    string Name { get; }

    /// <summary>The problem whose data the backend holds.</summary>
    GlmmProblem Problem { get; }

    /// <summary>Sets θ (the factors T_t) and β (the fixed linear predictor η₀ = offset + Xβ); keeps u.</summary>
    void SetParameters(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta);

    /// <summary>Sets u = 0 in every block.</summary>
    void ResetModes();

    /// <summary>
    /// Runs <see cref="Likelihood.Pirls.RunBlock{TOps}"/> for every block (u only, at the current θ, β);
    /// <paramref name="pdev"/>[b] receives the penalized deviance at the block's mode. Each block stops once its
    /// predicted decrease is ≤ <paramref name="tolerance"/>.
    /// </summary>
    void RunPirls(Span<double> pdev, double tolerance = Likelihood.Pirls.DecreaseTolerance);

    /// <summary>Per block, log det A_b at the current u, as left by <see cref="RunPirls"/> (its final factorization).</summary>
    void LogDeterminants(Span<double> logDet);

    /// <summary>For each flagged block, ũ_b ← (u_b + ũ_b)/2 (a step halving).</summary>
    void Halve(ReadOnlySpan<bool> flagged);

    /// <summary>For each flagged block, u_b ← ũ_b.</summary>
    void Accept(ReadOnlySpan<bool> flagged);

    /// <summary>
    /// At u, per block: log det(A_b) with W at u, ‖u_b‖², and the deviance Σ_{i∈b} d_i(μ_i).
    /// With the constants of <see cref="SaturatedConstants"/>, the Laplace deviance is
    /// Σ_b [log det A_b + ‖u_b‖² + Σ d_i + c_b] for families without a dispersion parameter.
    /// </summary>
    void LaplaceTerms(Span<double> logDet, Span<double> uSquared, Span<double> deviance);

    /// <summary>At u, per block, −2 Σ_{i∈b} w_i log p(y_i | μ_i, φ) with dispersion φ (Gamma; ignored otherwise).</summary>
    void LogLikelihoodTerms(double dispersion, Span<double> minusTwoLogLik);

    /// <summary>
    /// Adaptive Gauss–Hermite terms at u = û, for problems whose blocks all have the same size m (one
    /// cluster of one grouping factor); call it right after <see cref="RunPirls"/>, whose last factorization
    /// A_b = L_bL_b' at û it uses. With devc(u) = Σ_{i∈b} d_i(u) + ‖u‖² and devc(û) = <paramref name="pdev"/>[b],
    /// writes log M_b = log Σ_k w_k exp(−½[devc(û + L_b⁻ᵀz_k) − devc(û)] + ½‖z_k‖²) for the N nodes z_k
    /// (m each, row-major in <paramref name="nodes"/>) with log-weights <paramref name="logWeights"/>.
    /// </summary>
    void AgqTerms(ReadOnlySpan<double> nodes, ReadOnlySpan<double> logWeights, ReadOnlySpan<double> pdev, Span<double> logM);

    /// <summary>Per block the constant c_b with −2 Σ_{i∈b} log p(y_i | μ_i) = Σ d_i(μ_i) + c_b for every μ (dispersion 1).</summary>
    void SaturatedConstants(Span<double> c);

    /// <summary>
    /// Joint (u, β) PIRLS, first half (lme4's nAGQ = 0 stage): at (u, β) — or at (ũ, β) when
    /// <paramref name="candidate"/> — per block assembles A_b = Λ'Z'WZΛ + I = L_bL_b',
    /// R_ZX,b = L_b⁻¹Λ'Z'WX and c_b = L_b⁻¹Λ'Z'W z̃ with z̃ = η − offset + (y − μ)/μ', writes the penalized
    /// deviance Σ d_i + ‖u_b‖² to <paramref name="pdev"/>[b], and returns the reduced system
    /// S = X'WX − Σ R_ZX'R_ZX (p × p, row-major) and t = X'Wz̃ − Σ R_ZX'c_b, whose solution is the next β.
    /// Returns false when some A_b is not positive definite.
    /// </summary>
    bool AssembleJoint(bool candidate, Span<double> s, Span<double> t, Span<double> pdev);

    /// <summary>Joint PIRLS, second half: the candidate ũ_b = L_b⁻ᵀ(c_b − R_ZX,b β) for the given next β.</summary>
    void SolveJoint(ReadOnlySpan<double> beta);

    /// <summary>Copies u (length Σ m_b, block-major) into <paramref name="u"/>.</summary>
    void ReadModes(Span<double> u);
}
