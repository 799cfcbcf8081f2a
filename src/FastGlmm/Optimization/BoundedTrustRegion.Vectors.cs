using System.Numerics;
using System.Runtime.InteropServices;

namespace FastGlmm.Optimization;

public static partial class BoundedTrustRegion
{
    /// <summary>
    /// SIMD kernels for the method's O(dim²) updates (dim = m + n + 1 is small, e.g. 17 at n = 5, where a scalar loop
    /// is bound by the latency of its one chain of additions).
    /// </summary>
    private static class Dense
    {
        /// <summary>Σ_j a_j·b_j (same lengths), summed in <see cref="Vector{T}"/> lanes, then the tail.</summary>
        public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            int j = 0;
            double s = 0;
            if (Vector.IsHardwareAccelerated && a.Length >= Vector<double>.Count)
            {
                var va = MemoryMarshal.Cast<double, Vector<double>>(a);
                var vb = MemoryMarshal.Cast<double, Vector<double>>(b);
                var acc = Vector<double>.Zero;
                for (int v = 0; v < va.Length; v++) acc += va[v] * vb[v];
                s = Vector.Sum(acc);
                j = va.Length * Vector<double>.Count;
            }
            for (; j < a.Length; j++) s += a[j] * b[j];
            return s;
        }

        /// <summary>y ← y + α·x + β·z (same lengths).</summary>
        public static void AddScaled(Span<double> y, double alpha, ReadOnlySpan<double> x, double beta, ReadOnlySpan<double> z)
        {
            int j = 0;
            if (Vector.IsHardwareAccelerated && y.Length >= Vector<double>.Count)
            {
                var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
                var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
                var vz = MemoryMarshal.Cast<double, Vector<double>>(z);
                var va = new Vector<double>(alpha);
                var vb = new Vector<double>(beta);
                for (int v = 0; v < vy.Length; v++) vy[v] += va * vx[v] + vb * vz[v];
                j = vy.Length * Vector<double>.Count;
            }
            for (; j < y.Length; j++) y[j] += alpha * x[j] + beta * z[j];
        }

        /// <summary>y ← y + α·x (same lengths).</summary>
        public static void Axpy(Span<double> y, ReadOnlySpan<double> x, double alpha)
        {
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
                var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
                var va = new Vector<double>(alpha);
                for (int v = 0; v < vy.Length; v++) vy[v] += va * vx[v];
                j = vy.Length * Vector<double>.Count;
            }
            for (; j < y.Length; j++) y[j] += alpha * x[j];
        }
    }
}
