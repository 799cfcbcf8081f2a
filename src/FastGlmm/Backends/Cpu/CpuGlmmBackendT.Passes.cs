using FastGlmm.Linalg;

namespace FastGlmm.Backends.Cpu;

internal sealed partial class CpuGlmmBackend<TLink, TDist>
{
    public void Evaluate(ReadOnlySpan<bool> active, bool candidate, Span<double> pdev)
    {
        var act = active.ToArray();
        var res = new double[_p.BlockCount];
        var u = candidate ? _cand : _u;
        Parallel.For(0, _p.BlockCount, b =>
        {
            if (act[b]) res[b] = Pass(b, u, assemble: true, logDensity: false, out _);
        });
        for (int b = 0; b < res.Length; b++) if (act[b]) pdev[b] = res[b];
    }

    public void LaplaceTerms(Span<double> logDet, Span<double> uSquared, Span<double> minusTwoLogLik)
    {
        int nb = _p.BlockCount;
        var ld = new double[nb];
        var uu = new double[nb];
        var ll = new double[nb];
        Parallel.For(0, nb, b =>
        {
            Pass(b, _u, assemble: true, logDensity: true, out ll[b]);
            int lo = _p.UOffsets[b], m = _p.UOffsets[b + 1] - lo;
            var a = _a.AsSpan((int)_aOffset[b], m * m);
            ld[b] = DenseCholesky.Factor(a, m) ? DenseCholesky.LogDeterminant(a, m) : double.NaN;
            double s = 0;
            for (int j = lo; j < lo + m; j++) s += _u[j] * _u[j];
            uu[b] = s;
        });
        ld.CopyTo(logDet);
        uu.CopyTo(uSquared);
        ll.CopyTo(minusTwoLogLik);
    }

    /// <summary>
    /// One pass over block b's rows at modes <paramref name="u"/>: returns Σ d_i + ‖u_b‖²; optionally
    /// assembles A_b = Λ'Z'WZΛ + I and r_b = Λ'Z'W z̃ (z̃ = ZΛu + (y − μ)/μ'), and −2 Σ log p(y|μ).
    /// </summary>
    private double Pass(int b, double[] u, bool assemble, bool logDensity, out double minusTwoLogLik)
    {
        var p = _p;
        int k = p.K, lo = p.UOffsets[b], m = p.UOffsets[b + 1] - lo;
        var a = _a.AsSpan((int)_aOffset[b], m * m);
        var rhs = _rhs.AsSpan(lo, m);
        if (assemble) { a.Clear(); rhs.Clear(); }
        Span<double> zl = stackalloc double[Math.Max(1, k)];
        double dev = 0, ll = 0;
        for (int i = p.RowOffsets[b]; i < p.RowOffsets[b + 1]; i++)
        {
            long o = (long)i * k;
            double eta = _eta0[i];
            for (int e = 0; e < k; e++)
            {
                // (ZΛ)[i, e] = Σ_{c ≥ col(e)} Z[i, first(e) + c] T[c, col(e)].
                int t = p.EntryTerm[e], col = p.EntryColumn[e], q = _p.Layout.Columns(t), f = _entryFirst[e];
                var tt = _t.AsSpan(_tOffset[t], q * q);
                double v = 0;
                for (int c = col; c < q; c++) v += p.Z[o + f + c] * tt[col * q + c];
                zl[e] = v;
                eta += v * u[lo + p.Slot[o + e]];
            }
            double y = p.Y[i], wt = p.Weights[i];
            double mu = TLink.LinkInverse(eta);
            dev += TDist.DevianceResidual(y, mu, wt);
            if (logDensity) ll += TDist.LogDensity(y, mu, wt);
            if (!assemble) continue;
            double dmu = TLink.MuEta(eta);
            double s = dmu / Math.Sqrt(TDist.Variance(mu));
            double w = wt * s * s;
            double zr = eta - _eta0[i] + (y - mu) / dmu;
            for (int e = 0; e < k; e++)
            {
                double we = w * zl[e];
                int se = p.Slot[o + e];
                rhs[se] += we * zr;
                for (int g = 0; g < k; g++) a[p.Slot[o + g] * m + se] += we * zl[g];
            }
        }
        if (assemble) for (int j = 0; j < m; j++) a[j * m + j] += 1;
        double uu = 0;
        for (int j = lo; j < lo + m; j++) uu += u[j] * u[j];
        minusTwoLogLik = -2 * ll;
        return dev + uu;
    }
}
