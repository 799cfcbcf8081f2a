namespace FastGlmm.Model;

/// <summary>
/// lme4's profile scale for the variance parameters of a linear mixed model: per term t, in θ's order
/// (columns j of the lower triangle, rows i ≥ j), the standard deviation sd_i = √Σ_t,ii on the diagonal and
/// the correlation Σ_t,ij/(sd_i sd_j) off it, with Σ_t = σ² T_t T_t'; then σ itself. For a term
/// (1 + x | g) that is [sd(1), cor(x, 1), sd(x)], lme4's .sig01, .sig02, .sig03; σ is .sigma.
/// The map back builds Σ_t = diag(sd) R diag(sd) and T_t as the lower Cholesky factor of Σ_t/σ².
/// </summary>
public static class SdCorScale
{
    /// <summary>
    /// The k = #θ + 1 values [sd's and correlations per term, σ] from θ and σ (a correlation next to a zero SD is 0).
    /// </summary>
    public static double[] FromTheta(ThetaLayout layout, ReadOnlySpan<double> theta, double sigma)
    {
        var v = new double[layout.Count + 1];
        for (int t = 0; t < layout.TermCount; t++)
        {
            int q = layout.Columns(t), idx = layout.Offset(t);
            var (sd, cor) = layout.SdCorrelation(theta, t, sigma * sigma);
            for (int j = 0; j < q; j++)
                for (int i = j; i < q; i++, idx++) v[idx] = i == j ? sd[i] : cor[j * q + i];
        }
        v[^1] = sigma;
        return v;
    }

    /// <summary>
    /// Writes θ (length #θ) for the values [sd's and correlations per term, σ] (length #θ + 1). SDs and σ must be
    /// ≥ 0 and σ &gt; 0. The Cholesky factor of a singular Σ_t (a zero SD, a correlation of ±1) has a zero column
    /// where its pivot vanishes. Returns false when some Σ_t is not positive semi-definite (possible for three or
    /// more columns: correlations each within [−1, 1] need not form a correlation matrix) or a value is out of range.
    /// </summary>
    public static bool TryToTheta(ThetaLayout layout, ReadOnlySpan<double> values, Span<double> theta)
    {
        double sigma = values[^1];
        if (!(sigma > 0) || !double.IsFinite(sigma)) return false;
        int qmax = Enumerable.Range(0, layout.TermCount).Select(layout.Columns).DefaultIfEmpty(0).Max();
        Span<double> s = qmax <= 8 ? stackalloc double[64] : new double[qmax * qmax];
        Span<double> sd = qmax <= 8 ? stackalloc double[8] : new double[qmax];
        for (int t = 0; t < layout.TermCount; t++)
        {
            int q = layout.Columns(t), o = layout.Offset(t);
            int idx = o;
            for (int j = 0; j < q; j++)
                for (int i = j; i < q; i++, idx++)
                {
                    double x = values[idx];
                    if (i == j && !(x >= 0)) return false;
                    if (i != j && !(x >= -1 && x <= 1)) return false;
                    if (i == j) sd[i] = x / sigma;
                }
            idx = o;
            for (int j = 0; j < q; j++)
                for (int i = j; i < q; i++, idx++)
                    s[j * q + i] = i == j ? sd[i] * sd[i] : values[idx] * sd[i] * sd[j];
            if (!SemiDefiniteFactor(s, q)) return false;
            idx = o;
            for (int j = 0; j < q; j++)
                for (int i = j; i < q; i++, idx++) theta[idx] = s[j * q + i];
        }
        return true;
    }

    /// <summary>lme4's names: .sig01, .sig02, … for the #θ values, then .sigma.</summary>
    public static string[] Names(ThetaLayout layout) =>
        [.. Enumerable.Range(1, layout.Count).Select(i => $".sig{i:00}"), ".sigma"];

    /// <summary>Lower bounds of the k values: 0 for SDs and σ, −1 for correlations.</summary>
    public static double[] Lower(ThetaLayout layout) =>
        [.. Enumerable.Range(0, layout.Count).Select(i => layout.IsDiagonal(i) ? 0.0 : -1.0), 0.0];

    /// <summary>Upper bounds of the k values: +∞ for SDs and σ, 1 for correlations.</summary>
    public static double[] Upper(ThetaLayout layout) =>
        [.. Enumerable.Range(0, layout.Count).Select(i => layout.IsDiagonal(i) ? double.PositiveInfinity : 1.0), double.PositiveInfinity];

    /// <summary>
    /// Lower Cholesky factor of the symmetric q × q S (lower triangle, column-major, in place), allowing
    /// semi-definite S: a pivot within 1e-12 of its diagonal entry's scale is taken as 0 and its column set to 0.
    /// </summary>
    internal static bool SemiDefiniteFactor(Span<double> a, int q)
    {
        for (int j = 0; j < q; j++)
        {
            double scale = a[j * q + j], d = scale;
            for (int k = 0; k < j; k++) d -= a[k * q + j] * a[k * q + j];
            double tol = 1e-12 * scale;
            if (d < -tol) return false;
            if (d <= tol)
            {
                for (int i = j; i < q; i++) a[j * q + i] = 0;
                continue;
            }
            d = Math.Sqrt(d);
            a[j * q + j] = d;
            for (int i = j + 1; i < q; i++)
            {
                double x = a[j * q + i];
                for (int k = 0; k < j; k++) x -= a[k * q + i] * a[k * q + j];
                a[j * q + i] = x / d;
            }
        }
        return true;
    }
}
