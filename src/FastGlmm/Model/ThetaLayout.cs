using FastGlmm.Data.Frame;

namespace FastGlmm.Model;

/// <summary>
/// The covariance parameters θ of the random effects, as lme4 lays them out. Term t with q_t columns
/// has a lower-triangular q_t × q_t factor T_t filled column by column from its q_t(q_t+1)/2 entries of
/// θ, and b_t = T_t u_t per level with u ~ N(0, I), so Cov(b_t) = σ² T_t T_t' (σ = 1 for GLMMs).
/// Λ(θ) is block diagonal with one copy of T_t per level. Only diagonal entries are bounded (≥ 0);
/// the start is 1 on the diagonal and 0 off it.
/// </summary>
public sealed class ThetaLayout
{
    private readonly int[] _q, _offset;

    /// <summary>Lays out θ for the given terms (in frame order).</summary>
    public ThetaLayout(IReadOnlyList<RandomEffectsTerm> terms)
    {
        _q = terms.Select(t => t.ColumnCount).ToArray();
        _offset = new int[_q.Length + 1];
        for (int t = 0; t < _q.Length; t++) _offset[t + 1] = _offset[t] + _q[t] * (_q[t] + 1) / 2;
        var lower = new double[Count];
        var initial = new double[Count];
        var names = new string[Count];
        for (int t = 0; t < _q.Length; t++)
        {
            string gname = terms[t].Group;
            var cols = terms[t].ColumnNames;
            int idx = _offset[t];
            for (int j = 0; j < _q[t]; j++)
                for (int i = j; i < _q[t]; i++, idx++)
                {
                    bool diag = i == j;
                    lower[idx] = diag ? 0 : double.NegativeInfinity;
                    initial[idx] = diag ? 1 : 0;
                    names[idx] = diag ? $"{gname}.{cols[i]}" : $"{gname}.{cols[i]}.{cols[j]}";
                }
        }
        Lower = lower;
        Initial = initial;
        Names = names;
    }

    /// <summary>Total number of θ entries, Σ_t q_t(q_t+1)/2.</summary>
    public int Count => _offset[^1];

    /// <summary>Number of terms.</summary>
    public int TermCount => _q.Length;

    /// <summary>q_t, the columns of term t.</summary>
    public int Columns(int term) => _q[term];

    /// <summary>Offset of term t's entries in θ.</summary>
    public int Offset(int term) => _offset[term];

    /// <summary>Lower bounds: 0 for diagonal entries of each T_t, −∞ otherwise.</summary>
    public IReadOnlyList<double> Lower { get; }

    /// <summary>lme4's start: 1 on the diagonal, 0 off it.</summary>
    public IReadOnlyList<double> Initial { get; }

    /// <summary>lme4's names of θ, e.g. Subject.(Intercept), Subject.Days.(Intercept), Subject.Days.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>True for the entries on a diagonal of some T_t.</summary>
    public bool IsDiagonal(int index) => Lower[index] == 0;

    /// <summary>
    /// Position of entry (i, j), i ≥ j, of a q × q lower-triangular matrix packed as θ is, column by column:
    /// j·q − j(j − 1)/2 + (i − j).
    /// </summary>
    public static int PackedIndex(int q, int i, int j) => j * q - j * (j - 1) / 2 + (i - j);

    /// <summary>
    /// Negates, in place, every column of each T_t whose diagonal entry is negative: T_tD with D = diag(±1) gives the same
    /// T_tT_t', so the same model; the result has lme4's form (nonnegative diagonals).
    /// </summary>
    public void Canonicalize(Span<double> theta)
    {
        for (int t = 0; t < TermCount; t++)
        {
            int q = Columns(t), o = Offset(t);
            for (int c = 0; c < q; c++)
            {
                if (theta[o + PackedIndex(q, c, c)] >= 0) continue;
                for (int r = c; r < q; r++) theta[o + PackedIndex(q, r, c)] = -theta[o + PackedIndex(q, r, c)];
            }
        }
    }

    /// <summary>
    /// Writes T_t (q × q, column-major, zeros above the diagonal) for term <paramref name="term"/> from θ.
    /// </summary>
    public void FillFactor(ReadOnlySpan<double> theta, int term, Span<double> t)
    {
        int q = _q[term], idx = _offset[term];
        t[..(q * q)].Clear();
        for (int j = 0; j < q; j++)
            for (int i = j; i < q; i++) t[j * q + i] = theta[idx++];
    }

    /// <summary>
    /// The covariance of term t's random effects, σ² T_t T_t' (q × q, column-major).
    /// </summary>
    public double[] Covariance(ReadOnlySpan<double> theta, int term, double sigma2 = 1)
    {
        int q = _q[term];
        var t = new double[q * q];
        FillFactor(theta, term, t);
        var s = new double[q * q];
        for (int i = 0; i < q; i++)
            for (int j = 0; j < q; j++)
            {
                double v = 0;
                for (int k = 0; k <= Math.Min(i, j); k++) v += t[k * q + i] * t[k * q + j];
                s[j * q + i] = sigma2 * v;
            }
        return s;
    }

    /// <summary>
    /// Standard deviations (q) and correlations (q × q, column-major, 1 on the diagonal; 0 where an SD is 0)
    /// of term t's random effects.
    /// </summary>
    public (double[] Sd, double[] Correlation) SdCorrelation(ReadOnlySpan<double> theta, int term, double sigma2 = 1)
    {
        int q = _q[term];
        var s = Covariance(theta, term, sigma2);
        var sd = new double[q];
        for (int i = 0; i < q; i++) sd[i] = Math.Sqrt(s[i * q + i]);
        var r = new double[q * q];
        for (int i = 0; i < q; i++)
            for (int j = 0; j < q; j++)
                r[j * q + i] = i == j ? 1 : sd[i] > 0 && sd[j] > 0 ? s[j * q + i] / (sd[i] * sd[j]) : 0;
        return (sd, r);
    }
}
