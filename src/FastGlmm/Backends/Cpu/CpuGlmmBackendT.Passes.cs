using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FastGlmm.Linalg;

namespace FastGlmm.Backends.Cpu;

internal sealed partial class CpuGlmmBackend<TLink, TDist>
{
    public void LogLikelihoodTerms(double dispersion, Span<double> minusTwoLogLik)
    {
        int nb = _p.BlockCount;
        var res = new double[nb];
        var p = _p;
        ForBlocks(b =>
        {
            int lo = p.UOffsets[b], k = p.K;
            double ll = 0;
            for (int i = p.RowOffsets[b]; i < p.RowOffsets[b + 1]; i++)
            {
                long o = (long)i * k;
                double eta = _eta0[i];
                for (int e = 0; e < k; e++) eta += _zl[o + e] * _u[lo + p.Slot[o + e]];
                ll += TDist.LogDensity(p.Y[i], TLink.LinkInverse(eta), p.Weights[i], dispersion);
            }
            res[b] = -2 * ll;
        });
        res.CopyTo(minusTwoLogLik);
    }

    public void LaplaceTerms(Span<double> logDet, Span<double> uSquared, Span<double> deviance)
    {
        int nb = _p.BlockCount;
        var ld = new double[nb];
        var uu = new double[nb];
        var ll = new double[nb];
        ForBlocks(b =>
        {
            ll[b] = Pass(b, _u, assemble: true) - SumSquares(b, _u);
            int lo = _p.UOffsets[b], m = _p.UOffsets[b + 1] - lo;
            if (_blocked[b] is { } f) ld[b] = f.Factor() ? f.LogDeterminant() : double.NaN;
            else
            {
                var a = _a.AsSpan((int)_aOffset[b], m * m);
                ld[b] = DenseCholesky.FactorWithBlockDiagonalLead(a, m, _p.LeadSize[b], _p.LeadColumns) ? DenseCholesky.LogDeterminant(a, m) : double.NaN;
            }
            uu[b] = SumSquares(b, _u);
        });
        ld.CopyTo(logDet);
        uu.CopyTo(uSquared);
        ll.CopyTo(deviance);
    }

    /// <summary>
    /// The IRLS weight W = w μ'²/V(μ) and W·z̃ with z̃ = (η − η₀) + (y − μ)/μ'. For the canonical link μ' = V,
    /// so W·z̃ = w(V(η − η₀) + y − μ), with no division.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double W, double WZ) Weights(double eta, double eta0, double y, double mu, double wt)
    {
        if (Families.UnitCanonical.Holds<TLink, TDist>())
        {
            double v = TDist.Variance(mu);
            return (wt * v, wt * (v * (eta - eta0) + (y - mu)));
        }
        double dmu = TLink.MuEta(eta);
        double s = dmu / Math.Sqrt(TDist.Variance(mu));
        double w = wt * s * s;
        return (w, w * (eta - eta0 + (y - mu) / dmu));
    }

    /// <summary><see cref="Pass"/> for a block with one random effect (a scalar term on one factor).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double PassScalar(int b, double[] u, bool assemble)
    {
        var p = _p;
        int lo = p.UOffsets[b], i = p.RowOffsets[b], i1 = p.RowOffsets[b + 1];
        double u0 = u[lo], a = 0, r = 0, dev = 0;
        var y = p.Y;
        var wts = p.Weights;
        var zl = _zl;
        var eta0s = _eta0;
        // Binomial(logit) takes the rows four at a time; the scalar loop finishes the rest.
        if (IsBinomialLogit && Vector256.IsHardwareAccelerated) i = PassScalarLogit(i, i1, u0, assemble, ref dev, ref a, ref r);
        for (; i < i1; i++)
        {
            double z = zl[i], eta0 = eta0s[i], eta = eta0 + z * u0, yi = y[i], wt = wts[i];
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double SumSquares(int b, double[] u)
    {
        double s = 0;
        for (int j = _p.UOffsets[b]; j < _p.UOffsets[b + 1]; j++) s += u[j] * u[j];
        return s;
    }

    /// <summary>
    /// One pass over block b's rows at modes <paramref name="u"/>: returns Σ d_i + ‖u_b‖² and, when
    /// <paramref name="assemble"/>, stores A_b = Λ'Z'WZΛ + I and r_b = Λ'Z'W z̃ (z̃ = ZΛu + (y − μ)/μ').
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Pass(int b, double[] u, bool assemble)
    {
        var p = _p;
        int k = p.K, lo = p.UOffsets[b], m = p.UOffsets[b + 1] - lo;
        if (_blocked[b] is not null) return PassCrossed(b, u, assemble);
        var a = _a.AsSpan((int)_aOffset[b], m * m);
        var rhs = _rhs.AsSpan(lo, m);
        if (assemble) { a.Clear(); rhs.Clear(); }
        var y = p.Y;
        var wts = p.Weights;
        var zlAll = _zl;
        var slots = p.Slot;
        if (k == 1 && m == 1) return PassScalar(b, u, assemble);
        double dev = 0;
        for (int i = p.RowOffsets[b]; i < p.RowOffsets[b + 1]; i++)
        {
            long o = (long)i * k;
            double eta0 = _eta0[i], eta = eta0;
            for (int e = 0; e < k; e++) eta += zlAll[o + e] * u[lo + slots[o + e]];
            double yi = y[i], wt = wts[i];
            double mu = TLink.LinkInverse(eta);
            dev += TDist.DevianceResidual(yi, mu, wt);
            if (!assemble) continue;
            var (w, wr) = Weights(eta, eta0, yi, mu, wt);
            for (int e = 0; e < k; e++)
            {
                double ze = zlAll[o + e], we = w * ze;
                int se = slots[o + e];
                rhs[se] += ze * wr;
                for (int g = 0; g < k; g++) a[slots[o + g] * m + se] += we * zlAll[o + g];
            }
        }
        if (assemble) for (int j = 0; j < m; j++) a[j * m + j] += 1;
        return dev + SumSquares(b, u);
    }
}
