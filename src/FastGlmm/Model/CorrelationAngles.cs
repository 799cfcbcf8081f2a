namespace FastGlmm.Model;

/// <summary>
/// Hyperspherical coordinates of a q × q correlation matrix R = LL': row i of the lower factor L is a unit vector
/// in its first i + 1 coordinates, l_i = (cos a_i0, sin a_i0 cos a_i1, …, sin a_i0 ⋯ sin a_i,i−2 cos a_i,i−1,
/// sin a_i0 ⋯ sin a_i,i−1), with every angle in [0, π] (row 0 is e_0). Every point of the box [0, π]^{q(q−1)/2} is a
/// correlation matrix, and R_i0 = cos a_i0. Angles are stored row by row: a_ik at index i(i − 1)/2 + k.
/// </summary>
public static class CorrelationAngles
{
    /// <summary>Number of angles, q(q − 1)/2.</summary>
    public static int Count(int q) => q * (q - 1) / 2;

    /// <summary>Index of a_ik (0 ≤ k &lt; i &lt; q).</summary>
    public static int Index(int i, int k) => i * (i - 1) / 2 + k;

    /// <summary>Writes R (q × q, column-major) for the angles.</summary>
    public static void ToCorrelation(ReadOnlySpan<double> angles, int q, Span<double> r)
    {
        Span<double> l = q <= 8 ? stackalloc double[64] : new double[q * q];
        l[..(q * q)].Clear();
        l[0] = 1;
        for (int i = 1; i < q; i++)
        {
            double rem = 1;
            for (int k = 0; k < i; k++)
            {
                double a = angles[Index(i, k)];
                l[k * q + i] = rem * Math.Cos(a);
                rem *= Math.Sin(a);
            }
            l[i * q + i] = rem;
        }
        for (int i = 0; i < q; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = 0; k <= j; k++) s += l[k * q + i] * l[k * q + j];
                r[j * q + i] = r[i * q + j] = i == j ? 1 : s;
            }
    }

    /// <summary>
    /// Writes the angles of a correlation matrix R (q × q, column-major, positive semi-definite). Where a row's
    /// remaining length is 0 the later angles of that row are arbitrary and set to π/2.
    /// </summary>
    /// <returns>False when R is not positive semi-definite.</returns>
    public static bool FromCorrelation(ReadOnlySpan<double> r, int q, Span<double> angles)
    {
        var l = r[..(q * q)].ToArray();
        if (!SdCorScale.SemiDefiniteFactor(l, q)) return false;
        for (int i = 1; i < q; i++)
        {
            double norm = 0;
            for (int k = 0; k <= i; k++) norm += l[k * q + i] * l[k * q + i];
            norm = norm > 0 ? Math.Sqrt(norm) : 1;
            double rem = 1;
            for (int k = 0; k < i; k++)
            {
                double a = rem > 1e-300 ? Math.Acos(Math.Clamp(l[k * q + i] / norm / rem, -1, 1)) : Math.PI / 2;
                angles[Index(i, k)] = a;
                rem *= Math.Sin(a);
            }
        }
        return true;
    }
}
