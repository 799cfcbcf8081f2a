namespace FastGlmm.Linalg;

/// <summary>
/// B-spline basis functions of order k (degree k − 1) on a knot sequence t₀ ≤ … ≤ t_{K−1}, as R's
/// <c>splines::splineDesign</c> evaluates them: K − k functions, B_j nonzero on [t_j, t_{j+k}). A point x in
/// [t_{k−1}, t_{K−k}] lies in the interval t_i ≤ x &lt; t_{i+1} (the last nondegenerate one at the right end), where the
/// k functions B_{i−k+1}, …, B_i are computed by de Boor's triangular recurrence
/// B_{j,m}(x) = (x − t_j)/(t_{j+m−1} − t_j) B_{j,m−1}(x) + (t_{j+m} − x)/(t_{j+m} − t_{j+1}) B_{j+1,m−1}(x).
/// Derivatives use B'_{j,m} = (m − 1)[B_{j,m−1}/(t_{j+m−1} − t_j) − B_{j+1,m−1}/(t_{j+m} − t_{j+1})] (0 where a
/// denominator is 0), applied d times to the order k − d values.
/// </summary>
internal static class BSpline
{
    /// <summary>
    /// The d-th derivative of every basis function of order <paramref name="order"/> at x (length K − order).
    /// x must lie within [t_{order−1}, t_{K−order}].
    /// </summary>
    public static double[] Evaluate(double[] t, int order, double x, int derivative = 0)
    {
        int nk = t.Length, nb = nk - order;
        if (derivative >= order) return new double[nb];
        int low = order - derivative;
        var values = Values(t, low, order, x);
        for (int m = low + 1; m <= order; m++)
        {
            var next = new double[nk - m];
            for (int j = 0; j < next.Length; j++)
            {
                double a = t[j + m - 1] - t[j], b = t[j + m] - t[j + 1];
                next[j] = (m - 1) * ((a > 0 ? values[j] / a : 0) - (b > 0 ? values[j + 1] / b : 0));
            }
            values = next;
        }
        return values;
    }

    /// <summary>
    /// The basis functions of order <paramref name="m"/> at x (length K − m), located in the interval that the full
    /// order <paramref name="order"/> defines.
    /// </summary>
    private static double[] Values(double[] t, int m, int order, double x)
    {
        int nk = t.Length;
        var result = new double[nk - m];
        // The interval t_i ≤ x < t_{i+1} with order − 1 ≤ i ≤ nk − order − 1; the right end belongs to the last one.
        int i = order - 1;
        while (i < nk - order - 1 && x >= t[i + 1]) i++;
        var b = new double[m];
        var dr = new double[m];
        var dl = new double[m];
        b[0] = 1;
        for (int j = 1; j < m; j++)
        {
            dr[j - 1] = t[i + j] - x;
            dl[j - 1] = x - t[i + 1 - j];
            double saved = 0;
            for (int r = 0; r < j; r++)
            {
                double den = dr[r] + dl[j - 1 - r];
                double term = den != 0 ? b[r] / den : 0;
                b[r] = saved + dr[r] * term;
                saved = dl[j - 1 - r] * term;
            }
            b[j] = saved;
        }
        // b[r] is B_{i−m+1+r} of order m.
        for (int r = 0; r < m; r++)
        {
            int j = i - m + 1 + r;
            if (j >= 0 && j < result.Length) result[j] = b[r];
        }
        return result;
    }
}
