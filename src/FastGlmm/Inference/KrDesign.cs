using FastGlmm.Data.Frame;
using FastGlmm.Linalg;
using FastGlmm.Model;

namespace FastGlmm.Inference;

/// <summary>
/// The pieces of an LMM's marginal covariance Σ = σ²(I + ZΛΛ'Z') that Kenward–Roger needs, with Z and ZΛ held by row
/// (each row has k = Σ_t q_t nonzeros): products with Z', applications of Σ⁻¹ by Woodbury's identity through the m × m
/// factor of M = Λ'Z'ZΛ + I, and the covariance components' unit matrices E_r = I_L ⊗ (e_ae_b' + e_be_a') (e_ae_a' on the
/// diagonal) of each term. Random effects are numbered term by term, level-major within a term (lme4's order).
/// </summary>
internal sealed class KrDesign
{
    public int N { get; }
    public int P { get; }
    public int M { get; }

    /// <summary>X, n × p column-major.</summary>
    public double[] X { get; }

    /// <summary>The covariance components (term, a, b), a ≥ b, in θ's order.</summary>
    public IReadOnlyList<(int Term, int A, int B)> Components { get; }

    private readonly int _k;
    private readonly int[] _cols, _offset, _q, _levels;
    private readonly double[] _z, _zl, _factor;
    private readonly double _s2;

    public KrDesign(ModelFrame frame, double[] theta, double sigma)
    {
        var terms = frame.RandomTerms;
        var layout = new ThetaLayout(terms);
        N = frame.RowCount;
        P = frame.X.Columns;
        X = frame.X.Values.ToArray();
        _s2 = sigma * sigma;
        int nt = terms.Count;
        _q = [.. terms.Select(t => t.ColumnCount)];
        _levels = [.. terms.Select(t => t.LevelCount)];
        _offset = new int[nt + 1];
        for (int t = 0; t < nt; t++) _offset[t + 1] = _offset[t] + _q[t] * _levels[t];
        M = _offset[nt];
        _k = _q.Sum();
        var comps = new List<(int, int, int)>();
        for (int t = 0; t < nt; t++) for (int b = 0; b < _q[t]; b++) for (int a = b; a < _q[t]; a++) comps.Add((t, a, b));
        Components = comps;
        _cols = new int[N * _k];
        _z = new double[N * _k];
        _zl = new double[N * _k];
        int c0 = 0;
        for (int t = 0; t < nt; t++)
        {
            int q = _q[t];
            var tf = new double[q * q];
            layout.FillFactor(theta, t, tf);
            var lev = terms[t].LevelOfRow;
            var zt = terms[t].Z;
            for (int i = 0; i < N; i++)
                for (int j = 0; j < q; j++)
                {
                    int at = i * _k + c0 + j;
                    _cols[at] = _offset[t] + lev[i] * q + j;
                    _z[at] = zt[j * N + i];
                    // (ZΛ)[i, (ℓ, j)] = Σ_a Z_t[i, a] T_t[a, j], T_t lower (column-major).
                    double s = 0;
                    for (int a = j; a < q; a++) s += zt[a * N + i] * tf[j * q + a];
                    _zl[at] = s;
                }
            c0 += q;
        }
        // M = Λ'Z'ZΛ + I, accumulated row by row, then factored (column-major lower).
        _factor = new double[(long)M * M];
        for (int i = 0; i < N; i++)
            for (int u = 0; u < _k; u++)
            {
                double zu = _zl[i * _k + u];
                if (zu == 0) continue;
                int cu = _cols[i * _k + u];
                for (int v = 0; v < _k; v++) _factor[(long)_cols[i * _k + v] * M + cu] += zu * _zl[i * _k + v];
            }
        for (int j = 0; j < M; j++) _factor[(long)j * M + j] += 1;
        if (!DenseCholesky.Factor(_factor, M)) throw new UserInputException("--ddf kenward-roger: Λ'Z'ZΛ + I is not positive definite at the estimates");
    }

    /// <summary>Z as a dense n × m column-major matrix.</summary>
    public double[] DenseZ()
    {
        var z = new double[(long)N * M];
        for (int i = 0; i < N; i++) for (int u = 0; u < _k; u++) z[(long)_cols[i * _k + u] * N + i] += _z[i * _k + u];
        return z;
    }

    /// <summary>Z'C for C n × c (column-major): m × c.</summary>
    public double[] ZTranspose(double[] c, int cols) => Transposed(_z, c, cols);

    private double[] Transposed(double[] values, double[] c, int cols)
    {
        var r = new double[(long)M * cols];
        for (int j = 0; j < cols; j++)
        {
            long cj = (long)j * N, rj = (long)j * M;
            for (int i = 0; i < N; i++)
            {
                double ci = c[cj + i];
                if (ci == 0) continue;
                for (int u = 0; u < _k; u++) r[rj + _cols[i * _k + u]] += values[i * _k + u] * ci;
            }
        }
        return r;
    }

    /// <summary>Σ⁻¹C = σ⁻²[C − ZΛ M⁻¹(ZΛ)'C] for C n × c (column-major).</summary>
    public double[] SigmaInverse(double[] c, int cols)
    {
        var y = Transposed(_zl, c, cols);
        var r = new double[(long)N * cols];
        for (int j = 0; j < cols; j++)
        {
            var yj = y.AsSpan((int)((long)j * M), M);
            DenseCholesky.SolveLower(_factor, M, yj);
            DenseCholesky.SolveUpperTransposed(_factor, M, yj);
            long cj = (long)j * N;
            for (int i = 0; i < N; i++)
            {
                double s = 0;
                for (int u = 0; u < _k; u++) s += _zl[i * _k + u] * yj[_cols[i * _k + u]];
                r[cj + i] = (c[cj + i] - s) / _s2;
            }
        }
        return r;
    }

    /// <summary>E_r Y for Y m × c (column-major).</summary>
    public double[] ApplyE(int r, double[] y, int cols)
    {
        var (t, a, b) = Components[r];
        int q = _q[t];
        var res = new double[(long)M * cols];
        for (int j = 0; j < cols; j++)
        {
            long o = (long)j * M;
            for (int l = 0; l < _levels[t]; l++)
            {
                int ia = _offset[t] + l * q + a, ib = _offset[t] + l * q + b;
                res[o + ia] = y[o + ib];
                if (a != b) res[o + ib] = y[o + ia];
            }
        }
        return res;
    }

    /// <summary>The rank-one pieces (i, j) of E_r, e_ie_j'.</summary>
    private IEnumerable<(int, int)> Pieces(int r)
    {
        var (t, a, b) = Components[r];
        int q = _q[t];
        for (int l = 0; l < _levels[t]; l++)
        {
            int ia = _offset[t] + l * q + a, ib = _offset[t] + l * q + b;
            yield return (ia, ib);
            if (a != b) yield return (ib, ia);
        }
    }

    /// <summary>tr(E_r K E_s K) for a symmetric m × m K: Σ over pieces (i, j) of E_r and (k, l) of E_s of K_jk K_li.</summary>
    public double TraceEKEK(int r, int s, double[] k)
    {
        var ps = Pieces(s).ToArray();
        double sum = 0;
        foreach (var (i, j) in Pieces(r))
            foreach (var (kk, l) in ps) sum += k[(long)kk * M + j] * k[(long)i * M + l];
        return sum;
    }

    /// <summary>tr(E_r U'U) for U n × m: Σ over pieces (i, j) of U_j·U_i.</summary>
    public double TraceEWithGram(int r, double[] u)
    {
        double sum = 0;
        foreach (var (i, j) in Pieces(r))
        {
            double s = 0;
            long oi = (long)i * N, oj = (long)j * N;
            for (int row = 0; row < N; row++) s += u[oi + row] * u[oj + row];
            sum += s;
        }
        return sum;
    }

    /// <summary>‖M⁻¹‖_F², so that tr(Σ⁻²) = σ⁻⁴(n − m + ‖M⁻¹‖_F²).</summary>
    public double SquaredFrobeniusOfMInverse()
    {
        double sum = 0;
        var e = new double[M];
        for (int j = 0; j < M; j++)
        {
            Array.Clear(e);
            e[j] = 1;
            DenseCholesky.SolveLower(_factor, M, e);
            DenseCholesky.SolveUpperTransposed(_factor, M, e);
            foreach (double v in e) sum += v * v;
        }
        return sum;
    }
}
