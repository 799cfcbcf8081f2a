namespace FastGlmm.Linalg;

/// <summary>Small dense matrix products for column-major matrices (element (i, j) of an r × c matrix at j·r + i).</summary>
internal static class Dense
{
    /// <summary>A'B for A n × a and B n × b: a × b.</summary>
    public static double[] TransposeTimes(double[] a, double[] b, int n, int ca, int cb)
    {
        var r = new double[ca * cb];
        for (int j = 0; j < cb; j++)
            for (int i = 0; i < ca; i++)
            {
                double s = 0;
                long ai = (long)i * n, bj = (long)j * n;
                for (int k = 0; k < n; k++) s += a[ai + k] * b[bj + k];
                r[j * ca + i] = s;
            }
        return r;
    }

    /// <summary>AB for A r × k and B k × c: r × c.</summary>
    public static double[] Times(double[] a, double[] b, int rows, int inner, int cols)
    {
        var r = new double[(long)rows * cols];
        for (int j = 0; j < cols; j++)
            for (int k = 0; k < inner; k++)
            {
                double bkj = b[(long)j * inner + k];
                if (bkj == 0) continue;
                long ak = (long)k * rows, rj = (long)j * rows;
                for (int i = 0; i < rows; i++) r[rj + i] += a[ak + i] * bkj;
            }
        return r;
    }

    /// <summary>A' for A r × c.</summary>
    public static double[] Transpose(double[] a, int rows, int cols)
    {
        var r = new double[rows * cols];
        for (int j = 0; j < cols; j++) for (int i = 0; i < rows; i++) r[i * cols + j] = a[j * rows + i];
        return r;
    }

    /// <summary>A' for a square p × p A.</summary>
    public static double[] Transpose(double[] a, int p) => Transpose(a, p, p);

    /// <summary>A⁻¹ for a symmetric positive definite p × p A (by its Cholesky factor).</summary>
    public static double[] InverseSpd(double[] a, int p)
    {
        var f = (double[])a.Clone();
        if (!DenseCholesky.Factor(f, p)) throw new Likelihood.NumericalFailureException("a matrix that must be positive definite is not");
        var r = new double[p * p];
        for (int j = 0; j < p; j++)
        {
            var col = r.AsSpan(j * p, p);
            col[j] = 1;
            DenseCholesky.SolveLower(f, p, col);
            DenseCholesky.SolveUpperTransposed(f, p, col);
        }
        return Symmetrize(r, p);
    }

    /// <summary>(A + A')/2.</summary>
    public static double[] Symmetrize(double[] a, int p)
    {
        var r = (double[])a.Clone();
        for (int j = 0; j < p; j++) for (int i = 0; i < j; i++) r[j * p + i] = r[i * p + j] = (a[j * p + i] + a[i * p + j]) / 2;
        return r;
    }

    public static double[] Scale(double[] a, double s) => [.. a.Select(v => v * s)];

    public static double[] Plus(double[] a, double[] b) => [.. a.Zip(b, (x, y) => x + y)];

    public static double[] Minus(double[] a, double[] b) => [.. a.Zip(b, (x, y) => x - y)];

    /// <summary>acc += w·A.</summary>
    public static void AddScaled(double[] acc, double[] a, double w)
    {
        for (int i = 0; i < acc.Length; i++) acc[i] += w * a[i];
    }

    /// <summary>Σ_ij A_ij B_ij.</summary>
    public static double Inner(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>tr(AB) = Σ_ij A_ij B_ji for p × p A and B.</summary>
    public static double TraceOfProduct(double[] a, double[] b, int p)
    {
        double s = 0;
        for (int j = 0; j < p; j++) for (int i = 0; i < p; i++) s += a[(long)j * p + i] * b[(long)i * p + j];
        return s;
    }

    public static double Trace(double[] a, int p)
    {
        double s = 0;
        for (int i = 0; i < p; i++) s += a[i * p + i];
        return s;
    }

    /// <summary>x'Ax.</summary>
    public static double Quadratic(double[] a, ReadOnlySpan<double> x, int p)
    {
        double s = 0;
        for (int j = 0; j < p; j++) for (int i = 0; i < p; i++) s += x[i] * a[j * p + i] * x[j];
        return s;
    }

    /// <summary>The numerical rank of a symmetric r × r matrix: eigenvalues above √ε times the largest.</summary>
    public static int Rank(double[] a, int r)
    {
        var (values, _) = SymmetricEigen.Decompose(a, r);
        double tol = 1.490116119384765625e-8 * Math.Max(values[0], 0);
        return values.Count(v => v > tol);
    }
}
