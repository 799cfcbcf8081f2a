using FastGlmm.Model;

namespace FastGlmm.Inference;

/// <summary>
/// The coordinates in which the k variance parameters [SDs, correlations, σ] are searched while variance parameter
/// j is profiled. SDs, σ and the correlation of a two-column term are kept as they are (any value in their box is
/// valid). The correlations of a term with three or more columns are replaced by the hyperspherical angles of its
/// correlation matrix (<see cref="CorrelationAngles"/>), so that every point of the box [0, π] is a positive
/// semi-definite matrix: correlations each in [−1, 1] need not form one, and a search in them meets an infeasible
/// region. When j is such a correlation, R_ab, the term's columns are reordered to put b and a first, so that
/// R_ab = cos a_10 and profiling R_ab at c holds that angle at acos(c). The angles take the term's correlation slots:
/// a_ik (in the reordered columns π) sits in the slot of (π(i), π(k)); the count is the same, q(q − 1)/2.
/// </summary>
internal sealed class VarianceCoordinates
{
    private readonly ThetaLayout _layout;
    private readonly int[]?[] _perm;
    private readonly bool[] _angle;

    /// <summary>Sets up the coordinates for profiling variance parameter <paramref name="fixedIndex"/> (−1: none).</summary>
    public VarianceCoordinates(ThetaLayout layout, int fixedIndex)
    {
        _layout = layout;
        _perm = new int[]?[layout.TermCount];
        _angle = new bool[layout.Count + 1];
        for (int t = 0; t < layout.TermCount; t++)
        {
            int q = layout.Columns(t), o = layout.Offset(t);
            if (q < 3) continue;
            var perm = Enumerable.Range(0, q).ToArray();
            for (int k = 0; k < q; k++)
                for (int i = k + 1; i < q; i++)
                {
                    _angle[o + ThetaLayout.PackedIndex(q, i, k)] = true;
                    if (o + ThetaLayout.PackedIndex(q, i, k) == fixedIndex)
                        perm = [k, i, .. Enumerable.Range(0, q).Where(c => c != i && c != k)];
                }
            _perm[t] = perm;
        }
    }

    /// <summary>Whether coordinate <paramref name="slot"/> holds an angle (else the parameter itself).</summary>
    public bool IsAngle(int slot) => _angle[slot];

    /// <summary>The coordinates of the parameters x (k values; the correlations of each term positive semi-definite).</summary>
    public double[] ToInner(ReadOnlySpan<double> x)
    {
        var u = x.ToArray();
        for (int t = 0; t < _layout.TermCount; t++)
        {
            if (_perm[t] is not { } perm) continue;
            int q = perm.Length, o = _layout.Offset(t);
            var r = new double[q * q];
            for (int p = 0; p < q; p++)
                for (int s = 0; s < q; s++)
                    r[s * q + p] = p == s ? 1 : x[o + ThetaLayout.PackedIndex(q, Math.Max(perm[p], perm[s]), Math.Min(perm[p], perm[s]))];
            var a = new double[CorrelationAngles.Count(q)];
            if (!CorrelationAngles.FromCorrelation(r, q, a)) Array.Fill(a, Math.PI / 2);
            for (int i = 1; i < q; i++)
                for (int k = 0; k < i; k++)
                    u[o + ThetaLayout.PackedIndex(q, Math.Max(perm[i], perm[k]), Math.Min(perm[i], perm[k]))] = a[CorrelationAngles.Index(i, k)];
        }
        return u;
    }

    /// <summary>The parameters (k values) at coordinates u.</summary>
    public double[] ToOuter(ReadOnlySpan<double> u)
    {
        var x = u.ToArray();
        for (int t = 0; t < _layout.TermCount; t++)
        {
            if (_perm[t] is not { } perm) continue;
            int q = perm.Length, o = _layout.Offset(t);
            var a = new double[CorrelationAngles.Count(q)];
            for (int i = 1; i < q; i++)
                for (int k = 0; k < i; k++)
                    a[CorrelationAngles.Index(i, k)] = u[o + ThetaLayout.PackedIndex(q, Math.Max(perm[i], perm[k]), Math.Min(perm[i], perm[k]))];
            var r = new double[q * q];
            CorrelationAngles.ToCorrelation(a, q, r);
            for (int i = 1; i < q; i++)
                for (int k = 0; k < i; k++)
                    x[o + ThetaLayout.PackedIndex(q, Math.Max(perm[i], perm[k]), Math.Min(perm[i], perm[k]))] = r[k * q + i];
        }
        return x;
    }
}
