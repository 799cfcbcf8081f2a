using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FastGlmm.Linalg;

namespace FastGlmm.Backends.Cpu;

internal sealed partial class CpuGlmmBackend<TLink, TDist>
{
    private sealed class JointAccumulator(int p, int rows)
    {
        public readonly double[] S = new double[p * p], T = new double[p];
        /// <summary>Per row of a block: η, then the IRLS weight W and the working response z̃ − offset.</summary>
        public readonly double[] Eta = new double[rows], W = new double[rows], Z = new double[rows];
        public bool Ok = true;
    }

    private double[]? _rzx;
    private long[]? _rzxOffset;

    public bool AssembleJoint(bool candidate, Span<double> s, Span<double> t, Span<double> pdev)
    {
        var uu = candidate ? _cand : _u;
        var pd = new double[_p.BlockCount];
        var p = _p;
        int np = p.P, nb = p.BlockCount, n = p.N, k = p.K;
        if (_rzx is null)
        {
            _rzxOffset = new long[nb + 1];
            for (int b = 0; b < nb; b++) _rzxOffset[b + 1] = _rzxOffset[b] + (long)(p.UOffsets[b + 1] - p.UOffsets[b]) * np;
            _rzx = new double[_rzxOffset[nb]];
        }
        var sAll = new double[np * np];
        var tAll = new double[np];
        bool ok = true;
        int rows = p.Frame.Blocks.LargestBlockRows;
        var states = ForBlocks(() => new JointAccumulator(np, rows), (b, acc) =>
        {
            acc.Ok &= AssembleJointBlock(b, uu, acc, out pd[b]);
        });
        foreach (var acc in states)
        {
            for (int i = 0; i < sAll.Length; i++) sAll[i] += acc.S[i];
            for (int i = 0; i < np; i++) tAll[i] += acc.T[i];
            ok &= acc.Ok;
        }
        for (int j = 0; j < np; j++) for (int l = 0; l < j; l++) sAll[j * np + l] = sAll[l * np + j];
        sAll.CopyTo(s);
        tAll.CopyTo(t);
        pd.CopyTo(pdev);
        return ok;
    }

    /// <summary>Block b's part of <see cref="AssembleJoint"/>: adds its contributions to S and t.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AssembleJointBlock(int b, double[] uAll, JointAccumulator acc, out double pdev)
    {
        var p = _p;
        int np = p.P, n = p.N, k = p.K;
        var sAcc = acc.S;
        var tAcc = acc.T;
        pdev = double.NaN;
        {
            int lo = p.UOffsets[b], m = p.UOffsets[b + 1] - lo;
            var f = _blocked[b];
            var a = f is null ? _a.AsSpan((int)_aOffset[b], m * m) : [];
            var c = _rzx.AsSpan((int)_rzxOffset![b], m * np);
            var r = _rhs.AsSpan(lo, m);
            a.Clear(); c.Clear(); r.Clear();
            f?.Clear();
            int i0 = p.RowOffsets[b], rows = p.RowOffsets[b + 1] - i0;
            var etas = acc.Eta.AsSpan(0, rows);
            var ws = acc.W.AsSpan(0, rows);
            var zs = acc.Z.AsSpan(0, rows);
            if (k == 1 && f is null && np <= 4)
                return m == 1 && np >= 1 ? AssembleJointSingleLevel(b, uAll, acc, out pdev) : AssembleJointScalarTerm(b, uAll, acc, out pdev);
            for (int i = i0; i < i0 + rows; i++)
            {
                long o = (long)i * k;
                double eta = _eta0[i];
                for (int e = 0; e < k; e++) eta += _zl[o + e] * uAll[lo + p.Slot[o + e]];
                etas[i - i0] = eta;
            }
            double dev = IrlsRows(i0, etas, ws, zs);
            for (int i = i0; i < i0 + rows; i++)
            {
                long o = (long)i * k;
                double w = ws[i - i0], zt = zs[i - i0];
                for (int e = 0; e < k; e++)
                {
                    double we = w * _zl[o + e];
                    int se = p.Slot[o + e];
                    r[se] += we * zt;
                    if (f is null) for (int g = 0; g < k; g++) a[p.Slot[o + g] * m + se] += we * _zl[o + g];
                    for (int j = 0; j < np; j++) c[j * m + se] += we * p.X[(long)j * n + i];
                }
                for (int j = 0; j < np; j++)
                {
                    double xw = w * p.X[(long)j * n + i];
                    tAcc[j] += xw * zt;
                    for (int l = 0; l <= j; l++) sAcc[l * np + j] += xw * p.X[(long)l * n + i];
                }
            }
            for (int j = lo; j < lo + m; j++) dev += uAll[j] * uAll[j];
            pdev = dev;
            if (f is not null)
            {
                Likelihood.CrossedBlock.Assemble(p, b, _zl.AsSpan((int)((long)i0 * k), rows * k), ws, _crossed[b]!, f);
                if (!f.Factor()) return false;
                f.SolveLower(r);
                for (int j = 0; j < np; j++) f.SolveLower(c.Slice(j * m, m));
            }
            else
            {
                for (int j = 0; j < m; j++) a[j * m + j] += 1;
                if (!DenseCholesky.FactorWithBlockDiagonalLead(a, m, _p.LeadSize[b], _p.LeadColumns)) return false;
                DenseCholesky.SolveLower(a, m, r);
                for (int j = 0; j < np; j++) DenseCholesky.SolveLower(a, m, c.Slice(j * m, m));
            }
            SubtractBlock(c, r, m, np, sAcc, tAcc);
            return true;
        }
    }

    /// <summary>
    /// Removes block b's random effects from the reduced system: S −= C'C (upper triangle) and t −= C'r, with
    /// C = L⁻¹Λ'Z'WX (m × p, column-major) and r = L⁻¹Λ'Z'Wz̃ after the solves.
    /// </summary>
    private static void SubtractBlock(ReadOnlySpan<double> c, ReadOnlySpan<double> r, int m, int np, Span<double> s, Span<double> t)
    {
        for (int j = 0; j < np; j++)
        {
            var cj = c.Slice(j * m, m);
            double sr = 0;
            for (int q = 0; q < m; q++) sr += cj[q] * r[q];
            t[j] -= sr;
            for (int l = 0; l <= j; l++)
            {
                var cl = c.Slice(l * m, m);
                double sc = 0;
                for (int q = 0; q < m; q++) sc += cj[q] * cl[q];
                s[l * np + j] -= sc;
            }
        }
    }

    /// <summary>
    /// <see cref="AssembleJointBlock"/> for one scalar random-effects term (K = 1, e.g. <c>(1 | g)</c>) and p ≤ 4, the
    /// common large-data model: the same sums, accumulated in locals over spans instead of strided arrays, in the same
    /// order (so the same numbers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AssembleJointScalarTerm(int b, double[] uAll, JointAccumulator acc, out double pdev)
    {
        var p = _p;
        int np = p.P, n = p.N;
        int lo = p.UOffsets[b], m = p.UOffsets[b + 1] - lo;
        var a = _a.AsSpan((int)_aOffset[b], m * m);
        var c = _rzx.AsSpan((int)_rzxOffset![b], m * np);
        var r = _rhs.AsSpan(lo, m);
        int i0 = p.RowOffsets[b], rows = p.RowOffsets[b + 1] - i0;
        var etas = acc.Eta.AsSpan(0, rows);
        var ws = acc.W.AsSpan(0, rows);
        var zs = acc.Z.AsSpan(0, rows);
        var zl = _zl.AsSpan(i0, rows);
        var slot = p.Slot.AsSpan(i0, rows);
        var eta0 = _eta0.AsSpan(i0, rows);
        var u = uAll.AsSpan(lo, m);
        for (int i = 0; i < rows; i++) etas[i] = eta0[i] + zl[i] * u[slot[i]];
        double dev = IrlsRows(i0, etas, ws, zs);
        ReadOnlySpan<double> x0 = np > 0 ? p.X.AsSpan(i0, rows) : default, x1 = np > 1 ? p.X.AsSpan(n + i0, rows) : default;
        ReadOnlySpan<double> x2 = np > 2 ? p.X.AsSpan(2 * n + i0, rows) : default, x3 = np > 3 ? p.X.AsSpan(3 * n + i0, rows) : default;
        Span<double> sa = stackalloc double[16];
        Span<double> ta = stackalloc double[4];
        for (int q = 0; q < np * np; q++) sa[q] = acc.S[q];
        for (int q = 0; q < np; q++) ta[q] = acc.T[q];
        a.Clear(); c.Clear(); r.Clear();
        Span<double> xr = stackalloc double[4];
        for (int i = 0; i < rows; i++)
        {
            double w = ws[i], zt = zs[i], z = zl[i], we = w * z;
            int se = slot[i];
            r[se] += we * zt;
            a[se * m + se] += we * z;
            if (np > 0) xr[0] = x0[i];
            if (np > 1) xr[1] = x1[i];
            if (np > 2) xr[2] = x2[i];
            if (np > 3) xr[3] = x3[i];
            for (int j = 0; j < np; j++) c[j * m + se] += we * xr[j];
            for (int j = 0; j < np; j++)
            {
                double xw = w * xr[j];
                ta[j] += xw * zt;
                for (int l = 0; l <= j; l++) sa[l * np + j] += xw * xr[l];
            }
        }
        for (int j = 0; j < m; j++) dev += u[j] * u[j];
        pdev = dev;
        for (int j = 0; j < m; j++) a[j * m + j] += 1;
        bool ok = DenseCholesky.FactorWithBlockDiagonalLead(a, m, _p.LeadSize[b], _p.LeadColumns);
        if (ok)
        {
            DenseCholesky.SolveLower(a, m, r);
            for (int j = 0; j < np; j++) DenseCholesky.SolveLower(a, m, c.Slice(j * m, m));
            SubtractBlock(c, r, m, np, sa, ta);
        }
        for (int q = 0; q < np * np; q++) acc.S[q] = sa[q];
        for (int q = 0; q < np; q++) acc.T[q] = ta[q];
        return ok;
    }

    /// <summary>
    /// For rows i0 … i0 + |η| − 1 at linear predictors η: the IRLS weights W = wt μ'²/V(μ) and working responses
    /// z̃ − offset = η − offset + (y − μ)/μ' (for the canonical link μ' = V), returning Σ d_i. Binomial(logit) runs
    /// four rows at a time (<see cref="IrlsRowsLogit"/>).
    /// </summary>
    private double IrlsRows(int i0, ReadOnlySpan<double> etas, Span<double> ws, Span<double> zs)
    {
        var p = _p;
        double dev = 0;
        int r = 0;
        if (IsBinomialLogit && Vector256.IsHardwareAccelerated) r = IrlsRowsLogit(i0, etas, ws, zs, ref dev);
        for (; r < etas.Length; r++)
        {
            int i = i0 + r;
            double eta = etas[r], y = p.Y[i], wt = p.Weights[i], mu = TLink.LinkInverse(eta);
            dev += TDist.DevianceResidual(y, mu, wt);
            if (Families.UnitCanonical.Holds<TLink, TDist>())
            {
                double v = TDist.Variance(mu);
                ws[r] = wt * v;
                zs[r] = eta - p.Offset[i] + (y - mu) / v;
            }
            else
            {
                double dmu = TLink.MuEta(eta), sd = dmu / Math.Sqrt(TDist.Variance(mu));
                ws[r] = wt * sd * sd;
                zs[r] = eta - p.Offset[i] + (y - mu) / dmu;
            }
        }
        return dev;
    }

    public void SolveJoint(ReadOnlySpan<double> beta)
    {
        var p = _p;
        int np = p.P;
        var bt = beta.ToArray();
        ForBlocks(b => SolveJointBlock(b, bt));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SolveJointBlock(int b, double[] bt)
    {
        var p = _p;
        int np = p.P, lo = p.UOffsets[b], m = p.UOffsets[b + 1] - lo;
        var c = _rzx.AsSpan((int)_rzxOffset![b], m * np);
        var u = _cand.AsSpan(lo, m);
        _rhs.AsSpan(lo, m).CopyTo(u);
        for (int j = 0; j < np; j++)
        {
            double bj = bt[j];
            for (int q = 0; q < m; q++) u[q] -= c[j * m + q] * bj;
        }
        if (_blocked[b] is { } f) f.SolveUpperTransposed(u);
        else DenseCholesky.SolveUpperTransposed(_a.AsSpan((int)_aOffset[b], m * m), m, u);
    }
}
