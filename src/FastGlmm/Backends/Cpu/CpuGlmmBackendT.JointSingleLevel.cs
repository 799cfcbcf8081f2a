using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastGlmm.Backends.Cpu;

internal sealed partial class CpuGlmmBackend<TLink, TDist>
{
    /// <summary>A fixed-effects column count as a JIT-time constant, so that the row loop of a specialization has no branches on it.</summary>
    private interface IColumnCount { static abstract int Value { get; } }

    private readonly struct OneColumn : IColumnCount { public static int Value => 1; }

    private readonly struct TwoColumns : IColumnCount { public static int Value => 2; }

    private readonly struct ThreeColumns : IColumnCount { public static int Value => 3; }

    private readonly struct FourColumns : IColumnCount { public static int Value => 4; }

    /// <summary>
    /// <see cref="AssembleJointScalarTerm"/> for a block of one random effect (one level of one scalar term, the
    /// blocks of <c>(1 | g)</c>) and 1 ≤ p ≤ 4: with W, z̃ from <see cref="IrlsRows"/> and z the rows of ZΛ, the
    /// block's sums A = Σ W z² + 1, r = Σ W z z̃, c_j = Σ W z x_j and the fixed-effects sums Σ W x_j z̃, Σ W x_j x_l
    /// are taken four rows at a time; then L = √A, r ← r/L, c ← c/L, and S −= c c', t −= c r, as the general
    /// path does with its 1 × 1 factor. Returns false when A is not positive.
    /// </summary>
    private bool AssembleJointSingleLevel(int b, double[] uAll, JointAccumulator acc, out double pdev) => _p.P switch
    {
        1 => AssembleJointSingleLevel<OneColumn>(b, uAll, acc, out pdev),
        2 => AssembleJointSingleLevel<TwoColumns>(b, uAll, acc, out pdev),
        3 => AssembleJointSingleLevel<ThreeColumns>(b, uAll, acc, out pdev),
        _ => AssembleJointSingleLevel<FourColumns>(b, uAll, acc, out pdev),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AssembleJointSingleLevel<TNp>(int b, double[] uAll, JointAccumulator acc, out double pdev) where TNp : IColumnCount
    {
        var p = _p;
        int np = TNp.Value, n = p.N, lo = p.UOffsets[b];
        int i0 = p.RowOffsets[b], rows = p.RowOffsets[b + 1] - i0;
        var etas = acc.Eta.AsSpan(0, rows);
        var ws = acc.W.AsSpan(0, rows);
        var zs = acc.Z.AsSpan(0, rows);
        var zl = _zl.AsSpan(i0, rows);
        var eta0 = _eta0.AsSpan(i0, rows);
        double u = uAll[lo];
        for (int i = 0; i < rows; i++) etas[i] = eta0[i] + zl[i] * u;
        double dev = IrlsRows(i0, etas, ws, zs);
        var x0 = p.X.AsSpan(i0, rows);
        var x1 = np > 1 ? p.X.AsSpan(n + i0, rows) : default;
        var x2 = np > 2 ? p.X.AsSpan(2 * n + i0, rows) : default;
        var x3 = np > 3 ? p.X.AsSpan(3 * n + i0, rows) : default;
        var zero = Vector256<double>.Zero;
        // r, a; c_0..c_3; t_0..t_3; S's upper triangle s_lj (l ≤ j) in the order 00, 01, 11, 02, 12, 22, 03, 13, 23, 33.
        Vector256<double> vr = zero, va = zero, c0 = zero, c1 = zero, c2 = zero, c3 = zero, t0 = zero, t1 = zero, t2 = zero, t3 = zero;
        Vector256<double> s00 = zero, s01 = zero, s11 = zero, s02 = zero, s12 = zero, s22 = zero, s03 = zero, s13 = zero, s23 = zero, s33 = zero;
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            var w = Vector256.Create(ws.Slice(r, 4));
            var zt = Vector256.Create(zs.Slice(r, 4));
            var we = w * Vector256.Create(zl.Slice(r, 4));
            vr += we * zt;
            va += we * Vector256.Create(zl.Slice(r, 4));
            var xa = Vector256.Create(x0.Slice(r, 4));
            var wa = w * xa;
            c0 += we * xa; t0 += wa * zt; s00 += wa * xa;
            if (np > 1)
            {
                var xb = Vector256.Create(x1.Slice(r, 4));
                var wb = w * xb;
                c1 += we * xb; t1 += wb * zt; s01 += wb * xa; s11 += wb * xb;
                if (np > 2)
                {
                    var xc = Vector256.Create(x2.Slice(r, 4));
                    var wc = w * xc;
                    c2 += we * xc; t2 += wc * zt; s02 += wc * xa; s12 += wc * xb; s22 += wc * xc;
                    if (np > 3)
                    {
                        var xd = Vector256.Create(x3.Slice(r, 4));
                        var wd = w * xd;
                        c3 += we * xd; t3 += wd * zt; s03 += wd * xa; s13 += wd * xb; s23 += wd * xc; s33 += wd * xd;
                    }
                }
            }
        }
        double rr = Vector256.Sum(vr), aa = Vector256.Sum(va);
        Span<double> c = stackalloc double[4];
        Span<double> t = stackalloc double[4];
        Span<double> s = stackalloc double[16];
        c[0] = Vector256.Sum(c0); c[1] = Vector256.Sum(c1); c[2] = Vector256.Sum(c2); c[3] = Vector256.Sum(c3);
        t[0] = Vector256.Sum(t0); t[1] = Vector256.Sum(t1); t[2] = Vector256.Sum(t2); t[3] = Vector256.Sum(t3);
        s[0] = Vector256.Sum(s00); s[1] = Vector256.Sum(s01); s[np + 1] = Vector256.Sum(s11);
        if (np > 2) { s[2] = Vector256.Sum(s02); s[np + 2] = Vector256.Sum(s12); s[2 * np + 2] = Vector256.Sum(s22); }
        if (np > 3) { s[3] = Vector256.Sum(s03); s[np + 3] = Vector256.Sum(s13); s[2 * np + 3] = Vector256.Sum(s23); s[3 * np + 3] = Vector256.Sum(s33); }
        Span<double> xr = stackalloc double[4];
        for (; r < rows; r++)
        {
            double w = ws[r], zt = zs[r], we = w * zl[r];
            rr += we * zt;
            aa += we * zl[r];
            xr[0] = x0[r];
            if (np > 1) xr[1] = x1[r];
            if (np > 2) xr[2] = x2[r];
            if (np > 3) xr[3] = x3[r];
            for (int j = 0; j < np; j++)
            {
                double xw = w * xr[j];
                c[j] += we * xr[j];
                t[j] += xw * zt;
                for (int l = 0; l <= j; l++) s[l * np + j] += xw * xr[l];
            }
        }
        pdev = dev + u * u;
        double a = aa + 1;
        if (!(a > 0)) return false;
        double lf = Math.Sqrt(a);
        _a[_aOffset[b]] = lf;
        rr /= lf;
        _rhs[lo] = rr;
        var cOut = _rzx.AsSpan((int)_rzxOffset![b], np);
        for (int j = 0; j < np; j++) cOut[j] = c[j] /= lf;
        for (int j = 0; j < np; j++)
        {
            acc.T[j] += t[j] - c[j] * rr;
            for (int l = 0; l <= j; l++) acc.S[l * np + j] += s[l * np + j] - c[j] * c[l];
        }
        return true;
    }
}
