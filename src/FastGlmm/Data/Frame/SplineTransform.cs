using FastGlmm.Linalg;

namespace FastGlmm.Data.Frame;

/// <summary>
/// R's regression splines, <c>splines::bs</c> and <c>splines::ns</c>, planned on the model's rows as R's model frame and
/// <c>makepredictcall</c> fix them: the interior knots at the quantiles (type 7) of x at the probabilities
/// 1/(K+1), …, K/(K+1), and the boundary knots at x's range. bs: the B-spline basis of the given degree on the knots
/// with the boundary knots repeated degree + 1 times, its first column dropped without an intercept; beyond the
/// boundary a Taylor expansion about R's pivot (a quarter of the way to the nearest interior knot). ns: the cubic
/// B-spline basis (first column dropped without an intercept) times the columns 3… of Q from the Householder QR
/// (LINPACK's, as R's qr) of the transposed second derivatives at the two boundary knots, so the basis is linear
/// beyond them; new data outside the boundary are extrapolated linearly, as R's ns.
/// </summary>
internal sealed record SplineTransform(bool Natural, int Degree, double[] InteriorKnots, double Lower, double Upper,
    bool Intercept, double[]? Projection) : NumericTransform
{
    private int Order => Degree + 1;

    /// <summary>The knot sequence with the boundary knots repeated (degree + 1) times.</summary>
    private double[] Knots => [.. Enumerable.Repeat(Lower, Order), .. InteriorKnots, .. Enumerable.Repeat(Upper, Order)];

    private int BasisColumns => InteriorKnots.Length + Order - (Intercept ? 0 : 1);

    /// <summary>Number of columns: ns has two fewer than its B-spline basis.</summary>
    public int Columns => Natural ? BasisColumns - 2 : BasisColumns;

    public override string[] Suffixes => Numbered(Columns);

    /// <summary>Plans bs(x, df, degree) or ns(x, df) (degree 3) from the model rows' values.</summary>
    public static SplineTransform Plan(bool natural, double[] x, int df, int degree, bool intercept)
    {
        int order = degree + 1;
        int interior = natural ? df - 1 - (intercept ? 1 : 0) : df - order + (intercept ? 0 : 1);
        var sorted = (double[])x.Clone();
        Array.Sort(sorted);
        var knots = Enumerable.Range(1, interior).Select(k => Quantile7(sorted, (double)k / (interior + 1))).ToArray();
        double lo = sorted[0], hi = sorted[^1];
        if (!natural) return new SplineTransform(false, degree, knots, lo, hi, intercept, null);
        var draft = new SplineTransform(true, 3, knots, lo, hi, intercept, null);
        return draft with { Projection = draft.NaturalProjection() };
    }

    /// <summary>R's quantile(type = 7) of sorted values at probability p.</summary>
    private static double Quantile7(double[] sorted, double p)
    {
        const double fuzz = 4 * 2.220446049250313e-16;
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h + fuzz);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        double frac = h - lo;
        return Math.Abs(frac) < fuzz ? sorted[lo] : sorted[lo] + frac * (sorted[hi] - sorted[lo]);
    }

    /// <summary>The basis row at x (before ns's projection), the first column dropped without an intercept.</summary>
    private double[] Row(double x)
    {
        var t = Knots;
        double[] full;
        if (x < Lower || x > Upper)
        {
            double pivot;
            int terms;
            if (Natural) { pivot = x < Lower ? Lower : Upper; terms = 2; }
            else
            {
                const double e = 0.25;
                pivot = x < Lower ? (1 - e) * Lower + e * t[Order] : (1 - e) * Upper + e * t[t.Length - Order - 1];
                terms = Order;
            }
            full = new double[t.Length - Order];
            double power = 1, factorial = 1;
            for (int d = 0; d < terms; d++)
            {
                if (d > 0) { power *= x - pivot; factorial *= d; }
                var deriv = BSpline.Evaluate(t, Order, pivot, d);
                for (int j = 0; j < full.Length; j++) full[j] += power / factorial * deriv[j];
            }
        }
        else full = BSpline.Evaluate(t, Order, x);
        return Intercept ? full : full[1..];
    }

    /// <summary>
    /// ns's projection: Q[:, 2..] (BasisColumns × Columns, column-major) of the Householder QR of C' (BasisColumns × 2),
    /// C the second derivatives of the basis at the two boundary knots, with LINPACK dqrdc2's reflections
    /// (u = x/‖x‖·sign(x₀), u₀ += 1, H = I − uu'/u₀) so that the columns are R's exactly.
    /// </summary>
    private double[] NaturalProjection()
    {
        var t = Knots;
        int nb = BasisColumns, skip = Intercept ? 0 : 1;
        var c = new double[nb * 2];
        foreach (var (boundary, col) in new[] { (Lower, 0), (Upper, 1) })
        {
            var d2 = BSpline.Evaluate(t, Order, boundary, 2);
            for (int j = 0; j < nb; j++) c[col * nb + j] = d2[j + skip];
        }
        // Householder QR in place, LINPACK style, no pivoting (C' has full column rank 2).
        var qraux = new double[2];
        for (int l = 0; l < 2; l++)
        {
            double nrm = 0;
            for (int i = l; i < nb; i++) nrm += c[l * nb + i] * c[l * nb + i];
            nrm = Math.Sqrt(nrm);
            if (nrm == 0) continue;
            if (c[l * nb + l] != 0) nrm = Math.CopySign(nrm, c[l * nb + l]);
            for (int i = l; i < nb; i++) c[l * nb + i] /= nrm;
            c[l * nb + l] += 1;
            for (int j = l + 1; j < 2; j++)
            {
                double s = 0;
                for (int i = l; i < nb; i++) s += c[l * nb + i] * c[j * nb + i];
                double tt = -s / c[l * nb + l];
                for (int i = l; i < nb; i++) c[j * nb + i] += tt * c[l * nb + i];
            }
            qraux[l] = c[l * nb + l];
        }
        // Q = H₁H₂; its columns 3.. are Q e_k: apply H₂ then H₁ to e_k.
        int nc = nb - 2;
        var q = new double[nb * nc];
        for (int k = 0; k < nc; k++)
        {
            var y = new double[nb];
            y[k + 2] = 1;
            for (int l = 1; l >= 0; l--)
            {
                if (qraux[l] == 0) continue;
                double s = qraux[l] * y[l];
                for (int i = l + 1; i < nb; i++) s += c[l * nb + i] * y[i];
                double tt = -s / qraux[l];
                y[l] += tt * qraux[l];
                for (int i = l + 1; i < nb; i++) y[i] += tt * c[l * nb + i];
            }
            y.CopyTo(q, k * nb);
        }
        return q;
    }

    public override double[][] Apply(double[] x)
    {
        int nc = Columns, nb = BasisColumns;
        var cols = new double[nc][];
        for (int k = 0; k < nc; k++) cols[k] = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var row = Row(x[i]);
            if (Projection is null) { for (int k = 0; k < nc; k++) cols[k][i] = row[k]; continue; }
            // ns: the row times Q[:, 2..] (qr.qty's rows 3.. of Q'b).
            for (int k = 0; k < nc; k++)
            {
                double s = 0;
                for (int j = 0; j < nb; j++) s += row[j] * Projection[k * nb + j];
                cols[k][i] = s;
            }
        }
        return cols;
    }
}
