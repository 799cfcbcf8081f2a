namespace FastGlmm.Optimization;

public static partial class BoundedTrustRegion
{
    /// <summary>Explicit inverse of a small dense matrix (row-major, flat) by Gauss–Jordan elimination.</summary>
    private static class DenseLu
    {
        /// <summary>
        /// Writes A⁻¹ (n × n, row-major) into <paramref name="inverse"/> by Gauss–Jordan elimination of [A | I]
        /// with partial pivoting; false (inverse unspecified) when some pivot is below 1e-14·max|A_ij|, i.e. A is
        /// singular to working precision. A is not modified; <paramref name="work"/> holds at least 2n² values.
        /// </summary>
        public static bool TryInvert(ReadOnlySpan<double> a, int n, Span<double> inverse, Span<double> work)
        {
            int w = 2 * n;
            double amax = 0;
            for (int i = 0; i < n; i++)
            {
                var row = work.Slice(i * w, w);
                row.Clear();
                for (int j = 0; j < n; j++) { double v = a[i * n + j]; row[j] = v; amax = Math.Max(amax, Math.Abs(v)); }
                row[n + i] = 1;
            }
            if (!(amax > 0)) return false;
            double tol = 1e-14 * amax;
            for (int k = 0; k < n; k++)
            {
                int p = k;
                double best = Math.Abs(work[k * w + k]);
                for (int i = k + 1; i < n; i++)
                {
                    double v = Math.Abs(work[i * w + k]);
                    if (v > best) { best = v; p = i; }
                }
                if (!(best > tol)) return false;
                if (p != k)
                {
                    var rp = work.Slice(p * w, w);
                    var rq = work.Slice(k * w, w);
                    for (int j = 0; j < w; j++) (rp[j], rq[j]) = (rq[j], rp[j]);
                }
                var rk = work.Slice(k * w + k, w - k);
                double inv = 1 / rk[0];
                for (int j = 0; j < rk.Length; j++) rk[j] *= inv;
                for (int i = 0; i < n; i++)
                {
                    if (i == k) continue;
                    var ri = work.Slice(i * w + k, w - k);
                    if (ri[0] != 0) Dense.Axpy(ri, rk, -ri[0]);
                }
            }
            for (int i = 0; i < n; i++) work.Slice(i * w + n, n).CopyTo(inverse.Slice(i * n, n));
            return true;
        }
    }
}
