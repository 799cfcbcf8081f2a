using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FastGlmm.Families;

namespace FastGlmm.Backends.Cpu;

internal sealed partial class CpuGlmmBackend<TLink, TDist>
{
    private const double LogitClamp = LogitLink.EtaClamp;

    /// <summary>True for binomial(logit), which gets a vectorized scalar-block pass (a JIT-time constant).</summary>
    private static bool IsBinomialLogit => typeof(TLink) == typeof(LogitLink) && typeof(TDist) == typeof(BinomialDistribution);

    /// <summary>
    /// 2 wt [y log y + (1 − y) log(1 − y)] per row (0 log 0 = 0): the η-free part of the binomial deviance residual;
    /// null when it is 0 on every row (every y is 0 or 1, as for Bernoulli data), which saves 8 bytes a row.
    /// </summary>
    private static double[]? BinomialEntropy(Model.GlmmProblem p)
    {
        bool any = false;
        for (int i = 0; i < p.N && !any; i++) any = p.Y[i] is not (0.0 or 1.0);
        if (!any) return null;
        var h = new double[p.N];
        for (int i = 0; i < p.N; i++)
        {
            double y = p.Y[i];
            h[i] = 2 * p.Weights[i] * ((y > 0 ? y * Math.Log(y) : 0) + (y < 1 ? (1 - y) * Math.Log(1 - y) : 0));
        }
        return h;
    }

    /// <summary>
    /// The vectorized part of <see cref="PassScalar"/> for binomial(logit): rows i0 … in whole groups of four, adding
    /// to the deviance and (when assembling) to a = Σ W z² and r = Σ z W z̃; returns the first row left to the
    /// scalar loop. With η clamped to ±36.04 (lme4's μ clamp), e = exp(−|η|) and L = log(1 + e):
    /// μ = 1/(1 + e) or e/(1 + e), V = e/(1 + e)², and the deviance residual
    /// 2wt[y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))] = h + 2wt[L + y·max(−η, 0) + (1 − y)·max(η, 0)] with h the
    /// row's precomputed entropy term, since −log μ = softplus(−η) and −log(1 − μ) = softplus(η): one exp and
    /// one log per row, and more accurate than forming 1 − μ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int PassScalarLogit(int i0, int i1, double u0, bool assemble, ref double dev, ref double a, ref double r)
    {
        var p = _p;
        var ys = p.Y.AsSpan();
        var wts = p.Weights.AsSpan();
        var zl = _zl.AsSpan();
        var eta0s = _eta0.AsSpan();
        var ent = _entropy is null ? default : _entropy.AsSpan();
        var one = Vector256.Create(1.0);
        var two = Vector256.Create(2.0);
        var zero = Vector256<double>.Zero;
        var clamp = Vector256.Create(LogitClamp);
        var uu = Vector256.Create(u0);
        Vector256<double> vdev = zero, va = zero, vr = zero;
        int i = i0;
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
            vdev += (ent.IsEmpty ? zero : Vector256.Create(ent.Slice(i, 4)))
                + two * wt * (l + y * Vector256.Max(-ec, zero) + (one - y) * Vector256.Max(ec, zero));
            if (!assemble) continue;
            var inv = one / onePlus;
            var mu = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(ec, zero), inv, e * inv);
            var v = e * inv * inv;
            va += wt * v * z * z;
            vr += z * wt * (v * (eta - e0) + (y - mu));
        }
        dev += Vector256.Sum(vdev);
        a += Vector256.Sum(va);
        r += Vector256.Sum(vr);
        return i;
    }

    /// <summary>
    /// The vectorized part of <see cref="IrlsRows"/> for binomial(logit), whole groups of four rows, with the forms of
    /// <see cref="PassScalarLogit"/>: W = wt·V and z̃ − offset = η − offset + (y − μ)/V, V = max(e/(1 + e)², ε) as lme4
    /// clamps it. Adds to <paramref name="dev"/> and returns the first row (relative to i0) left to the scalar loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int IrlsRowsLogit(int i0, ReadOnlySpan<double> etas, Span<double> ws, Span<double> zs, ref double dev)
    {
        var p = _p;
        int n = etas.Length, r = 0;
        var ys = p.Y.AsSpan(i0, n);
        var wts = p.Weights.AsSpan(i0, n);
        var offs = p.Offset.AsSpan(i0, n);
        var ent = _entropy is null ? default : _entropy.AsSpan(i0, n);
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
            vdev += (ent.IsEmpty ? zero : Vector256.Create(ent.Slice(r, 4)))
                + two * wt * (Vector256.Log(onePlus) + y * Vector256.Max(-ec, zero) + (one - y) * Vector256.Max(ec, zero));
            (wt * v).CopyTo(ws.Slice(r, 4));
            (eta - Vector256.Create(offs.Slice(r, 4)) + (y - mu) / v).CopyTo(zs.Slice(r, 4));
        }
        dev += Vector256.Sum(vdev);
        return r;
    }
}
