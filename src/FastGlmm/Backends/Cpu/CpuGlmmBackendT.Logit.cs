using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FastGlmm.Families;

namespace FastGlmm.Backends.Cpu;

internal sealed partial class CpuGlmmBackend<TLink, TDist>
{
    /// <summary>log((1 − ε)/ε) for ε = DBL_EPSILON: |η| beyond it is where lme4 clamps μ to [ε, 1 − ε].</summary>
    private const double LogitClamp = 36.04365338911715;

    /// <summary>True for binomial(logit), which gets a vectorized scalar-block pass (a JIT-time constant).</summary>
    private static bool IsBinomialLogit => typeof(TLink) == typeof(LogitLink) && typeof(TDist) == typeof(BinomialDistribution);

    /// <summary>2 wt [y log y + (1 − y) log(1 − y)] per row (0 log 0 = 0): the η-free part of the binomial deviance residual.</summary>
    private static double[] BinomialEntropy(Model.GlmmProblem p)
    {
        var h = new double[p.N];
        for (int i = 0; i < p.N; i++)
        {
            double y = p.Y[i];
            h[i] = 2 * p.Weights[i] * ((y > 0 ? y * Math.Log(y) : 0) + (y < 1 ? (1 - y) * Math.Log(1 - y) : 0));
        }
        return h;
    }

    /// <summary>
    /// <see cref="PassScalar"/> for binomial(logit), four rows at a time. With η clamped to ±36.04 (lme4's μ clamp),
    /// e = exp(−|η|) and L = log(1 + e): μ = 1/(1 + e) or e/(1 + e), V = e/(1 + e)², and the deviance residual
    /// 2wt[y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))] = h + 2wt[L + y·max(−η, 0) + (1 − y)·max(η, 0)] with h the
    /// row's precomputed entropy term, since −log μ = softplus(−η) and −log(1 − μ) = softplus(η): one exp and
    /// one log per row, and more accurate than forming 1 − μ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double PassScalarLogit(int b, double[] u, bool assemble)
    {
        var p = _p;
        int lo = p.UOffsets[b], i = p.RowOffsets[b], i1 = p.RowOffsets[b + 1];
        double u0 = u[lo];
        var ys = p.Y.AsSpan();
        var wts = p.Weights.AsSpan();
        var zl = _zl.AsSpan();
        var eta0s = _eta0.AsSpan();
        var ent = _entropy!.AsSpan();
        var one = Vector256.Create(1.0);
        var two = Vector256.Create(2.0);
        var zero = Vector256<double>.Zero;
        var clamp = Vector256.Create(LogitClamp);
        var uu = Vector256.Create(u0);
        Vector256<double> vdev = zero, va = zero, vr = zero;
        for (; i + 4 <= i1; i += 4)
        {
            var z = Vector256.Create(zl.Slice(i, 4));
            var e0 = Vector256.Create(eta0s.Slice(i, 4));
            var y = Vector256.Create(ys.Slice(i, 4));
            var wt = Vector256.Create(wts.Slice(i, 4));
            var eta = e0 + z * uu;
            var ec = Vector256.Min(Vector256.Max(eta, -clamp), clamp);
            var e = Vector256.Exp(-Vector256.Abs(ec));
            var onePlus = one + e;
            var l = Vector256.Log(onePlus);
            vdev += Vector256.Create(ent.Slice(i, 4))
                + two * wt * (l + y * Vector256.Max(-ec, zero) + (one - y) * Vector256.Max(ec, zero));
            if (!assemble) continue;
            var inv = one / onePlus;
            var mu = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(ec, zero), inv, e * inv);
            var v = e * inv * inv;
            va += wt * v * z * z;
            vr += z * wt * (v * (eta - e0) + (y - mu));
        }
        double dev = Vector256.Sum(vdev), a = Vector256.Sum(va), r = Vector256.Sum(vr);
        for (; i < i1; i++)
        {
            double z = zl[i], eta0 = eta0s[i], eta = eta0 + z * u0, yi = ys[i], wt = wts[i];
            double mu = TLink.LinkInverse(eta);
            dev += TDist.DevianceResidual(yi, mu, wt);
            if (!assemble) continue;
            var (w, wr) = Weights(eta, eta0, yi, mu, wt);
            a += w * z * z;
            r += z * wr;
        }
        if (assemble)
        {
            _a[_aOffset[b]] = a + 1;
            _rhs[lo] = r;
        }
        return dev + u0 * u0;
    }

    /// <summary>
    /// <see cref="IrlsRows"/> for binomial(logit), four rows at a time, with the forms of <see cref="PassScalarLogit"/>:
    /// W = wt·V and z̃ − offset = η − offset + (y − μ)/V, V = max(e/(1 + e)², ε) as lme4 clamps it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double IrlsRowsLogit(int i0, ReadOnlySpan<double> etas, Span<double> ws, Span<double> zs)
    {
        var p = _p;
        int n = etas.Length, r = 0;
        var ys = p.Y.AsSpan(i0, n);
        var wts = p.Weights.AsSpan(i0, n);
        var offs = p.Offset.AsSpan(i0, n);
        var ent = _entropy!.AsSpan(i0, n);
        var one = Vector256.Create(1.0);
        var two = Vector256.Create(2.0);
        var zero = Vector256<double>.Zero;
        var clamp = Vector256.Create(LogitClamp);
        var eps = Vector256.Create(2.220446049250313e-16);
        var vdev = zero;
        for (; r + 4 <= n; r += 4)
        {
            var eta = Vector256.Create(etas.Slice(r, 4));
            var y = Vector256.Create(ys.Slice(r, 4));
            var wt = Vector256.Create(wts.Slice(r, 4));
            var ec = Vector256.Min(Vector256.Max(eta, -clamp), clamp);
            var e = Vector256.Exp(-Vector256.Abs(ec));
            var onePlus = one + e;
            var inv = one / onePlus;
            var mu = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(ec, zero), inv, e * inv);
            var v = Vector256.Max(e * inv * inv, eps);
            vdev += Vector256.Create(ent.Slice(r, 4))
                + two * wt * (Vector256.Log(onePlus) + y * Vector256.Max(-ec, zero) + (one - y) * Vector256.Max(ec, zero));
            (wt * v).CopyTo(ws.Slice(r, 4));
            (eta - Vector256.Create(offs.Slice(r, 4)) + (y - mu) / v).CopyTo(zs.Slice(r, 4));
        }
        double dev = Vector256.Sum(vdev);
        for (; r < n; r++)
        {
            double eta = etas[r], y = ys[r], wt = wts[r], mu = TLink.LinkInverse(eta), v = TDist.Variance(mu);
            dev += TDist.DevianceResidual(y, mu, wt);
            ws[r] = wt * v;
            zs[r] = eta - offs[r] + (y - mu) / v;
        }
        return dev;
    }
}
