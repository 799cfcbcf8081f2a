namespace FastGlmm.Optimization;

public static partial class BoundedTrustRegion
{
    /// <summary>Explicit inverse of a small dense matrix by LU with partial pivoting.</summary>
    private static class DenseLu
    {
        /// <summary>
        /// Writes A⁻¹ into <paramref name="inverse"/>; false (inverse unspecified) when some pivot is below
        /// 1e-14·max|A_ij|, i.e. A is singular to working precision. A is not modified.
        /// </summary>
        public static bool TryInvert(double[,] a, double[,] inverse)
        {
            int n = a.GetLength(0);
            var lu = (double[,])a.Clone();
            var perm = new int[n];
            double amax = 0;
            for (int i = 0; i < n; i++)
            {
                perm[i] = i;
                for (int j = 0; j < n; j++) amax = Math.Max(amax, Math.Abs(lu[i, j]));
            }
            if (!(amax > 0)) return false;
            for (int k = 0; k < n; k++)
            {
                int p = k;
                for (int i = k + 1; i < n; i++) if (Math.Abs(lu[i, k]) > Math.Abs(lu[p, k])) p = i;
                if (!(Math.Abs(lu[p, k]) > 1e-14 * amax)) return false;
                if (p != k)
                {
                    for (int j = 0; j < n; j++) (lu[k, j], lu[p, j]) = (lu[p, j], lu[k, j]);
                    (perm[k], perm[p]) = (perm[p], perm[k]);
                }
                double piv = lu[k, k];
                for (int i = k + 1; i < n; i++)
                {
                    double l = lu[i, k] / piv;
                    lu[i, k] = l;
                    if (l == 0) continue;
                    for (int j = k + 1; j < n; j++) lu[i, j] -= l * lu[k, j];
                }
            }
            var col = new double[n];
            for (int c = 0; c < n; c++)
            {
                for (int i = 0; i < n; i++) col[i] = perm[i] == c ? 1 : 0;
                for (int i = 0; i < n; i++)
                {
                    double s = col[i];
                    for (int j = 0; j < i; j++) s -= lu[i, j] * col[j];
                    col[i] = s;
                }
                for (int i = n - 1; i >= 0; i--)
                {
                    double s = col[i];
                    for (int j = i + 1; j < n; j++) s -= lu[i, j] * col[j];
                    col[i] = s / lu[i, i];
                }
                for (int i = 0; i < n; i++) inverse[i, c] = col[i];
            }
            return true;
        }
    }
}
