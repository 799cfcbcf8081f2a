namespace FastGlmm.Data.Frame;

/// <summary>
/// Finds aliased (linearly dependent) columns of a tall design matrix X (n × p) the way R's
/// <c>qr(X, tol = 1e-7)</c> (LINPACK <c>dqrdc2</c>, limited column pivoting) does, which is what
/// lme4 uses to drop columns: a column whose residual norm, after projection on the kept columns
/// before it, is below tol × its original norm is moved to the end and dropped.
/// X is first reduced to its p × p triangular factor R by Givens row updates over row chunks in
/// parallel, so memory stays O(p²) per thread; norms and projections are the same for R as for X.
/// </summary>
internal static class RankCheck
{
    /// <summary>Indices (ascending) of the columns to drop; empty when X has full column rank.</summary>
    public static int[] AliasedColumns(DesignMatrix x, double tol = 1e-7)
    {
        int p = x.Columns;
        if (p == 0) return [];
        var r = TriangularFactor(x);
        return LimitedPivotingRank(r, p, tol);
    }

    /// <summary>The upper-triangular R (p × p, row-major) with X'X = R'R.</summary>
    internal static double[] TriangularFactor(DesignMatrix x)
    {
        int n = x.Rows, p = x.Columns;
        // A chunk count set by n alone (never by the core count), so R, and so the columns dropped, are the same on
        // any number of threads.
        int chunks = Math.Max(1, Math.Min(16, n / 4096));
        var partial = new double[chunks][];
        Parallel.For(0, chunks, c =>
        {
            var rc = new double[p * p];
            var row = new double[p];
            long lo = (long)n * c / chunks, hi = (long)n * (c + 1) / chunks;
            for (long i = lo; i < hi; i++)
            {
                for (int j = 0; j < p; j++) row[j] = x.Values[j * (long)n + i];
                AddRow(rc, row, p);
            }
            partial[c] = rc;
        });
        var total = partial[0];
        var buf = new double[p];
        for (int c = 1; c < chunks; c++)
            for (int k = 0; k < p; k++)
            {
                Array.Copy(partial[c], k * p, buf, 0, p);
                AddRow(total, buf, p);
            }
        return total;
    }

    /// <summary>Rotates one row into R with Givens rotations (R stays upper triangular).</summary>
    private static void AddRow(double[] r, double[] row, int p)
    {
        for (int k = 0; k < p; k++)
        {
            double xk = row[k];
            if (xk == 0) continue;
            double rkk = r[k * p + k];
            double h = Math.Sqrt(rkk * rkk + xk * xk);
            double c = rkk / h, s = xk / h;
            r[k * p + k] = h;
            for (int j = k + 1; j < p; j++)
            {
                double a = r[k * p + j], b = row[j];
                r[k * p + j] = c * a + s * b;
                row[j] = -s * a + c * b;
            }
        }
    }

    private static int[] LimitedPivotingRank(double[] rRowMajor, int p, double tol)
    {
        // Work on columns of R (each a p-vector); cols[pos] = original index of the column at pos.
        var a = new double[p][];
        for (int j = 0; j < p; j++)
        {
            a[j] = new double[p];
            for (int i = 0; i <= j; i++) a[j][i] = rRowMajor[i * p + j];
        }
        var cols = Enumerable.Range(0, p).ToArray();
        var orig = new double[p];
        for (int j = 0; j < p; j++) { orig[j] = Norm(a[j], 0); if (orig[j] == 0) orig[j] = 1; }
        int lup = p;
        for (int l = 0; l < lup; l++)
        {
            while (l < lup && Norm(a[l], l) < orig[cols[l]] * tol)
            {
                // Move the column at l to the end (positions l..p-1 rotate left).
                var col = a[l]; int idx = cols[l];
                for (int m = l; m < p - 1; m++) { a[m] = a[m + 1]; cols[m] = cols[m + 1]; }
                a[p - 1] = col; cols[p - 1] = idx;
                lup--;
            }
            if (l == lup) break;
            Householder(a, l, p);
        }
        return cols.Skip(lup).Order().ToArray();
    }

    private static double Norm(double[] v, int from)
    {
        double scale = 0, ss = 1;
        for (int i = from; i < v.Length; i++)
        {
            double x = Math.Abs(v[i]);
            if (x == 0) continue;
            if (scale < x) { ss = 1 + ss * (scale / x) * (scale / x); scale = x; }
            else ss += (x / scale) * (x / scale);
        }
        return scale * Math.Sqrt(ss);
    }

    /// <summary>Applies the Householder reflection that zeroes a[l][l+1..] to columns l..p-1.</summary>
    private static void Householder(double[][] a, int l, int p)
    {
        var v = a[l];
        double nrm = Norm(v, l);
        if (nrm == 0) return;
        if (v[l] != 0) nrm = Math.CopySign(nrm, v[l]);
        for (int i = l; i < v.Length; i++) v[i] /= nrm;
        v[l] += 1;
        for (int j = l + 1; j < p; j++)
        {
            var w = a[j];
            double t = 0;
            for (int i = l; i < v.Length; i++) t -= v[i] * w[i];
            t /= v[l];
            for (int i = l; i < v.Length; i++) w[i] += t * v[i];
        }
    }
}
