using FastGlmm.Linalg;

namespace FastGlmm.Likelihood;

/// <summary>The w × w block of A⁻¹ at rows and columns o … o+w−1 of one block's A = LL' (column-major into dest).</summary>
internal delegate void InverseBlockFn(int o, int w, Span<double> dest);

/// <summary>
/// One block's solve at θ: log det(LL'), r̃ = L⁻¹Λ'Z'Wy, C̃ = L⁻¹Λ'Z'WX (m × p, column-major), a solve with L',
/// diagonal blocks of A⁻¹, and the release of the factor.
/// </summary>
internal sealed record BlockSolve(double LogDet, double[] R, double[] C, Action<double[]> Upper, InverseBlockFn Inverse, Action Release);

public sealed partial class LmmDeviance
{
    /// <summary>
    /// The deviance at θ and its analytic gradient ∂d/∂θ (length #θ). With A = Λ'GΛ + I (G = Z'WZ), F = Λ'Z'WX,
    /// B = A⁻¹F, B̃ = B R_X⁻ᵀ, û the conditional modes and E_k = ∂Λ/∂θ_k, and Λ invertible (Λ'G = (A − I)Λ⁻¹):
    /// ∂ log|A| = 2 tr((I − A⁻¹)Λ⁻¹E_k), ∂r² = −2 û'Λ⁻¹E_kû (the envelope theorem, Λ'ρ = û for the residual
    /// ρ = Z'W(y − Xβ̂ − ZΛû)), and ∂ log|R_XR_X'| = −2 tr(B̃'Λ⁻¹E_kB̃) (∂(F'A⁻¹F) = 2 sym(B'Λ⁻¹E_kB)). Per term t,
    /// with N_t levels, M_t = Σ_s (A⁻¹)_ss, U_t = Σ_s û_sû_s' and V_t = Σ_s B̃_sB̃_s' over its levels s, and
    /// Q_t = N_tI − M_t − c·U_t (− V_t for REML), c = n/r² (ML) or (n − p)/r² (REML):
    /// ∂d/∂T_t[a, b] = 2 (T_t⁻ᵀQ_t)[a, b]. Only diagonal blocks of A⁻¹ are needed (for a crossed block, the dense
    /// trailing part's inverse once and each leading level's q × q block from it).
    /// </summary>
    /// <returns>The evaluation, and the gradient; null when some T_t is singular (a diagonal θ is 0), where this
    /// form does not hold.</returns>
    public (LmmEvaluation Evaluation, double[]? Gradient) EvaluateWithGradient(ReadOnlySpan<double> theta, bool reml)
    {
        using var pending = EvaluateDeferred(theta, reml);
        return (pending.Evaluation, pending.Gradient());
    }

    /// <summary>
    /// The deviance at θ, with the factors held so that <see cref="LmmPendingGradient.Gradient"/> can take the gradient
    /// of <see cref="EvaluateWithGradient"/> from them when it is wanted: a line search asks for it only at the point
    /// it accepts, and a rejected trial costs the evaluation alone (the gradient costs about twice as much again).
    /// Dispose the result to return the factors.
    /// </summary>
    public LmmPendingGradient EvaluateDeferred(ReadOnlySpan<double> theta, bool reml)
    {
        var th = theta.ToArray();
        int nt = layout.TermCount;
        var tinv = new double[nt][];
        bool invertible = true;
        for (int t = 0; t < nt; t++)
        {
            int q = layout.Columns(t);
            var f = new double[q * q];
            layout.FillFactor(th, t, f);
            for (int j = 0; j < q; j++) invertible &= f[j * q + j] != 0;
            tinv[t] = f;
        }
        var (e, held) = Run(th, reml, gradient: invertible);
        return new LmmPendingGradient(e, held is null ? null : () => Gradient(th, reml, e, held, tinv),
            () => { if (held is not null) foreach (var h in held) h.Release(); });
    }

    private double[] Gradient(double[] th, bool reml, LmmEvaluation e, BlockSolve[] held, double[][] tinv)
    {
        int p = cp.P, n = cp.N, nt = layout.TermCount;
        var rx = e.RX;
        var beta = e.Beta;
        // Per block and term: N_t I − M_t − c U_t − V_t accumulated (q_t × q_t), then summed in block order.
        double c = (reml ? n - p : n) / e.PenalizedRss;
        var parts = new double[held.Length][][];
        ForEachBlock(held.Length, b =>
        {
            var blk = cp.Blocks[b];
            var solve = held[b];
            int m = solve.R.Length;
            var acc = new double[nt][];
            for (int t = 0; t < nt; t++) acc[t] = new double[layout.Columns(t) * layout.Columns(t)];
            // û = L⁻ᵀ(r̃ − C̃β̂).
            var u = (double[])solve.R.Clone();
            for (int j = 0; j < p; j++) for (int i = 0; i < m; i++) u[i] -= solve.C[j * m + i] * beta[j];
            solve.Upper(u);
            // B̃ = L⁻ᵀ C̃ R_X⁻ᵀ: D R_X' = C̃ column by column (R_X lower, R_X[j, k] at k·p + j), then L⁻ᵀ.
            double[]? bt = null;
            if (reml)
            {
                bt = (double[])solve.C.Clone();
                for (int j = 0; j < p; j++)
                {
                    var dj = bt.AsSpan(j * m, m);
                    for (int k = 0; k < j; k++)
                    {
                        double r = rx[k * p + j];
                        var dk = bt.AsSpan(k * m, m);
                        for (int i = 0; i < m; i++) dj[i] -= r * dk[i];
                    }
                    double d = rx[j * p + j];
                    for (int i = 0; i < m; i++) dj[i] /= d;
                }
                for (int j = 0; j < p; j++)
                {
                    var col = new double[m];
                    Array.Copy(bt, j * m, col, 0, m);
                    solve.Upper(col);
                    Array.Copy(col, 0, bt, j * m, m);
                }
            }
            Span<double> inv = stackalloc double[64];
            for (int s = 0; s < blk.SlotTerm.Length; s++)
            {
                int t = blk.SlotTerm[s], q = layout.Columns(t), o = blk.SlotOffset[s];
                var a = acc[t];
                var ib = inv[..(q * q)];
                solve.Inverse(o, q, ib);
                for (int col = 0; col < q; col++)
                    for (int row = 0; row < q; row++)
                    {
                        double v = (row == col ? 1 : 0) - ib[col * q + row] - c * u[o + row] * u[o + col];
                        if (bt is not null)
                            for (int j = 0; j < p; j++) v -= bt[j * m + o + row] * bt[j * m + o + col];
                        a[col * q + row] += v;
                    }
            }
            parts[b] = acc;
        });
        var g = new double[layout.Count];
        for (int t = 0; t < nt; t++)
        {
            int q = layout.Columns(t);
            var qt = new double[q * q];
            foreach (var part in parts) for (int i = 0; i < q * q; i++) qt[i] += part[t][i];
            // T⁻ᵀQ: solve T'X = Q column by column (T lower, so T' upper: back substitution).
            var tf = tinv[t];
            for (int col = 0; col < q; col++) DenseCholesky.SolveUpperTransposed(tf, q, qt.AsSpan(col * q, q));
            int idx = layout.Offset(t);
            for (int b = 0; b < q; b++)
                for (int a = b; a < q; a++, idx++) g[idx] = 2 * qt[b * q + a];
        }
        return g;
    }

    /// <summary>
    /// Blocks of A⁻¹ = L⁻ᵀL⁻¹ from the dense lower factor L (m × m, column-major): for m ≤ 48, block by block
    /// (x_i = L⁻¹e_{o+i} by forward substitution from row o, then x_r'x_c); larger, as Grams of the columns of
    /// L⁻¹ (<see cref="CholeskyInverse.LowerInverse"/>), formed at the first request.
    /// </summary>
    private static InverseBlockFn DenseInverse(double[] l, int m)
    {
        double[]? whole = null;
        return (o, w, dest) =>
        {
            if (m > 48)
            {
                // (A⁻¹)[o+r, o+c] = Σ_{k ≥ o} Y[k, o+r] Y[k, o+c] with Y = L⁻¹ (lower).
                whole ??= CholeskyInverse.LowerInverse(l, m, parallel: false);
                for (int c = 0; c < w; c++)
                    for (int r = 0; r <= c; r++)
                    {
                        var yr = whole.AsSpan((o + r) * m + o, m - o);
                        var yc = whole.AsSpan((o + c) * m + o, m - o);
                        double s = 0;
                        for (int k = 0; k < yr.Length; k++) s += yr[k] * yc[k];
                        dest[c * w + r] = dest[r * w + c] = s;
                    }
                return;
            }
            int len = m - o;
            var x = new double[w * len];
            for (int i = 0; i < w; i++)
            {
                var col = x.AsSpan(i * len, len);
                col[i] = 1;
                for (int j = i; j < len; j++)
                {
                    col[j] /= l[(o + j) * m + o + j];
                    double v = col[j];
                    if (v == 0) continue;
                    for (int r = j + 1; r < len; r++) col[r] -= l[(o + j) * m + o + r] * v;
                }
            }
            for (int a = 0; a < w; a++)
                for (int b = 0; b < w; b++)
                {
                    double s = 0;
                    for (int k = 0; k < len; k++) s += x[a * len + k] * x[b * len + k];
                    dest[b * w + a] = s;
                }
        };
    }
}

/// <summary>
/// An LMM deviance evaluation whose gradient is taken on request from the factors it holds
/// (<see cref="LmmDeviance.EvaluateDeferred"/>); disposing it releases them.
/// </summary>
public sealed class LmmPendingGradient : Optimization.IDeferredGradient
{
    private Func<double[]>? _gradient;
    private Action? _release;
    private double[]? _value;

    internal LmmPendingGradient(LmmEvaluation evaluation, Func<double[]>? gradient, Action release) =>
        (Evaluation, _gradient, _release) = (evaluation, gradient, release);

    /// <summary>The deviance and its parts at θ.</summary>
    public LmmEvaluation Evaluation { get; }

    /// <summary>∂d/∂θ at θ (computed once, then kept); null when some T_t is singular (a diagonal θ is 0).</summary>
    public double[]? Gradient()
    {
        if (_value is null && _gradient is not null)
        {
            if (_release is null) throw new ObjectDisposedException(nameof(LmmPendingGradient));
            _value = _gradient();
        }
        return _value;
    }

    /// <summary>Releases the held factors.</summary>
    public void Dispose()
    {
        _release?.Invoke();
        _release = null;
    }
}
