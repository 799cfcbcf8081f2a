namespace FastGlmm.Model;

/// <summary>
/// Lower Cholesky factors T of the structured covariances Σ = TT', written into θ's packed column-by-column layout
/// (<see cref="ThetaLayout.PackedIndex"/>).
/// </summary>
internal static class StructuredFactor
{
    /// <summary>
    /// Compound symmetry with heterogeneous SDs: Σ = D R D with D = diag(sd) and R = (1 − ρ)I + ρ11' (q × q, q = sd.Length,
    /// −1/(q−1) &lt; ρ ≤ 1), so T = D·chol(R), chol taken semi-definite where ρ reaches 1.
    /// </summary>
    public static void CompoundSymmetry(ReadOnlySpan<double> sd, double rho, Span<double> packed)
    {
        int q = sd.Length;
        Span<double> r = stackalloc double[q * q];
        for (int j = 0; j < q; j++)
            for (int i = 0; i < q; i++) r[j * q + i] = i == j ? 1 : rho;
        if (!SdCorScale.SemiDefiniteFactor(r, q))
            throw new ArgumentOutOfRangeException(nameof(rho), $"ρ = {rho} is below −1/(q − 1) for q = {q}");
        for (int j = 0; j < q; j++)
            for (int i = j; i < q; i++) packed[ThetaLayout.PackedIndex(q, i, j)] = sd[i] * r[j * q + i];
    }

    /// <summary>
    /// AR(1) with one SD s: Σ_ij = s²ρ^|i−j| (q × q, |ρ| ≤ 1), whose factor is T[i, 0] = sρ^i and T[i, j] = sρ^(i−j)√(1 − ρ²)
    /// for 1 ≤ j ≤ i (each row's innovation scaled by √(1 − ρ²)).
    /// </summary>
    public static void Ar1(double s, double rho, int q, Span<double> packed)
    {
        double c = Math.Sqrt(Math.Max(0, (1 - rho) * (1 + rho)));
        for (int j = 0; j < q; j++)
        {
            double scale = j == 0 ? s : s * c, power = 1;
            for (int i = j; i < q; i++, power *= rho) packed[ThetaLayout.PackedIndex(q, i, j)] = scale * power;
        }
    }
}
