using FastGlmm.Data.Frame;
using FastGlmm.Formula;

namespace FastGlmm.Model;

/// <summary>
/// The parameters ψ the optimizer moves when some random-effects terms have a structured covariance, and the map
/// ψ ↦ θ into lme4's packed factors (<see cref="ThetaLayout"/>), which everything downstream reads. Per term t with q
/// columns, Σ_t = T_t T_t' (relative to σ² for an LMM) and:
/// <list type="bullet">
/// <item>unstructured: ψ_t = θ_t, the q(q+1)/2 entries of T_t (diagonal ≥ 0);</item>
/// <item><c>diag</c>: ψ_t = (s_1 … s_q) ≥ 0, T_t = diag(s);</item>
/// <item><c>cs</c>: ψ_t = (s_1 … s_q, a), s ≥ 0, ρ = (1 + c)·logistic(a) − c with c = 1/(q − 1), so ρ ∈ (−1/(q−1), 1) where
/// R = (1 − ρ)I + ρ11' is positive definite; T_t = diag(s)·chol(R);</item>
/// <item><c>ar1</c>: ψ_t = (s, a), s ≥ 0, ρ = a/√(1 + a²) ∈ (−1, 1), R_ij = ρ^|i−j|, T_t = s·chol(R) with
/// chol(R)[i, 0] = ρ^i and chol(R)[i, j] = ρ^(i−j)√(1 − ρ²) for 1 ≤ j ≤ i.</item>
/// </list>
/// The number of parameters is glmmTMB's (q(q+1)/2, q, q + 1 and 2), and so are the models: the optimum is the same under
/// any one-to-one reparameterization. When every term is unstructured the map is the identity and ψ = θ.
/// </summary>
public sealed class CovarianceParameters
{
    private readonly CovarianceKind[] _kind;
    private readonly int[] _offset;

    /// <summary>The map for the frame's terms (in frame order).</summary>
    public CovarianceParameters(IReadOnlyList<RandomEffectsTerm> terms)
    {
        Layout = new ThetaLayout(terms);
        _kind = terms.Select(t => t.Source.Covariance).ToArray();
        _offset = new int[_kind.Length + 1];
        var lower = new List<double>();
        var initial = new List<double>();
        var names = new List<string>();
        for (int t = 0; t < _kind.Length; t++)
        {
            int q = Layout.Columns(t);
            string g = terms[t].Group;
            var cols = terms[t].ColumnNames;
            switch (_kind[t])
            {
                case CovarianceKind.Diagonal or CovarianceKind.CompoundSymmetry:
                    for (int i = 0; i < q; i++) { lower.Add(0); initial.Add(1); names.Add($"{g}.{cols[i]}"); }
                    if (_kind[t] == CovarianceKind.CompoundSymmetry)
                    {
                        lower.Add(double.NegativeInfinity);
                        initial.Add(-Math.Log(q - 1)); // ρ = 0
                        names.Add($"{g}.rho(cs)");
                    }
                    break;
                case CovarianceKind.Ar1:
                    lower.Add(0); initial.Add(1); names.Add($"{g}.sd(ar1)");
                    lower.Add(double.NegativeInfinity); initial.Add(0); names.Add($"{g}.rho(ar1)");
                    break;
                default:
                    for (int i = 0; i < q * (q + 1) / 2; i++)
                    {
                        lower.Add(Layout.Lower[Layout.Offset(t) + i]);
                        initial.Add(Layout.Initial[Layout.Offset(t) + i]);
                        names.Add(Layout.Names[Layout.Offset(t) + i]);
                    }
                    break;
            }
            _offset[t + 1] = lower.Count;
        }
        Lower = [.. lower];
        Initial = [.. initial];
        Names = [.. names];
        IsIdentity = _kind.All(k => k == CovarianceKind.Unstructured);
    }

    /// <summary>
    /// Throws a one-line <see cref="UserInputException"/> naming the first structured term when the frame has one:
    /// for the analyses that are defined over lme4's θ (denominator df, profiles, Monte Carlo likelihood, glmmTMB's families).
    /// </summary>
    public static void RefuseStructured(ModelFrame frame, string what)
    {
        var t = frame.RandomTerms.FirstOrDefault(t => t.Source.Covariance != CovarianceKind.Unstructured);
        if (t is not null)
            throw new UserInputException($"{what} is not available yet for a model with a structured covariance term ({t}); " +
                "fit the term unstructured, as (… | g), for it");
    }

    /// <summary>lme4's layout of θ that ψ maps into.</summary>
    public ThetaLayout Layout { get; }

    /// <summary>True when every term is unstructured: ψ = θ.</summary>
    public bool IsIdentity { get; }

    /// <summary>#ψ, the number of covariance parameters (glmmTMB's count; the model's df counts these).</summary>
    public int Count => _offset[^1];

    /// <summary>Lower bounds of ψ: 0 for SDs and θ's diagonals, −∞ otherwise (no upper bounds).</summary>
    public double[] Lower { get; }

    /// <summary>The start: lme4's θ start for unstructured terms; SDs 1 and ρ = 0 for structured ones.</summary>
    public double[] Initial { get; }

    /// <summary>Names of ψ, e.g. Subject.(Intercept), Subject.rho(cs).</summary>
    public string[] Names { get; }

    /// <summary>The structure of term t.</summary>
    public CovarianceKind Kind(int term) => _kind[term];

    /// <summary>True for the entries of ψ bounded at 0 (SDs or θ diagonals): those a boundary (singular) fit sets to 0.</summary>
    public bool IsVariance(int index) => Lower[index] == 0;

    /// <summary>
    /// Puts ψ in its canonical form in place: an unstructured term's θ by <see cref="ThetaLayout.Canonicalize"/>, a
    /// structured term's SDs made nonnegative (θ(ψ) reads |s|, so an optimizer without bounds may leave them negative).
    /// </summary>
    public void Canonicalize(Span<double> psi)
    {
        if (IsIdentity) { Layout.Canonicalize(psi); return; }
        for (int t = 0; t < _kind.Length; t++)
        {
            int k = _offset[t], q = Layout.Columns(t);
            if (_kind[t] == CovarianceKind.Unstructured)
            {
                var one = psi.Slice(k, q * (q + 1) / 2).ToArray();
                for (int j = 0; j < q; j++)
                {
                    if (one[ThetaLayout.PackedIndex(q, j, j)] >= 0) continue;
                    for (int i = j; i < q; i++) one[ThetaLayout.PackedIndex(q, i, j)] = -one[ThetaLayout.PackedIndex(q, i, j)];
                }
                one.CopyTo(psi.Slice(k));
                continue;
            }
            for (int i = k; i < _offset[t + 1]; i++) if (IsVariance(i)) psi[i] = Math.Abs(psi[i]);
        }
    }

    /// <summary>True when x (ψ, optionally followed by other parameters) is a boundary fit: an SD or θ diagonal below 1e-4.</summary>
    public bool IsBoundary(ReadOnlySpan<double> x)
    {
        for (int i = 0; i < Count; i++) if (IsVariance(i) && x[i] < 1e-4) return true;
        return false;
    }

    /// <summary>
    /// lme4's boundary check on x = [ψ, …]: each SD or θ diagonal within 1e-5 of 0 is set to 0 when that does not raise
    /// <paramref name="f"/>. Returns the (possibly new) point.
    /// </summary>
    public double[] ZeroSmallVariances(double[] x, Func<double[], double> f)
    {
        for (int i = 0; i < Count; i++)
        {
            if (!IsVariance(i) || x[i] == 0 || x[i] > 1e-5) continue;
            var w = (double[])x.Clone();
            w[i] = 0;
            if (f(w) <= f(x)) x = w;
        }
        return x;
    }

    /// <summary>θ = θ(ψ) (#θ values); a structured term's SDs enter as |s|.</summary>
    public double[] ToTheta(ReadOnlySpan<double> psi)
    {
        if (psi.Length != Count) throw new ArgumentException($"ψ has {psi.Length} values, not {Count}", nameof(psi));
        var theta = new double[Layout.Count];
        for (int t = 0; t < _kind.Length; t++)
        {
            int q = Layout.Columns(t), o = Layout.Offset(t);
            var p = psi[_offset[t].._offset[t + 1]];
            var th = theta.AsSpan(o, q * (q + 1) / 2);
            switch (_kind[t])
            {
                case CovarianceKind.Diagonal:
                    for (int i = 0; i < q; i++) th[ThetaLayout.PackedIndex(q, i, i)] = Math.Abs(p[i]);
                    break;
                case CovarianceKind.CompoundSymmetry:
                {
                    Span<double> sd = stackalloc double[q];
                    for (int i = 0; i < q; i++) sd[i] = Math.Abs(p[i]);
                    StructuredFactor.CompoundSymmetry(sd, CsCorrelation(p[q], q), th);
                    break;
                }
                case CovarianceKind.Ar1:
                    StructuredFactor.Ar1(Math.Abs(p[0]), Ar1Correlation(p[1]), q, th);
                    break;
                default:
                    p.CopyTo(th);
                    break;
            }
        }
        return theta;
    }

    /// <summary>
    /// ψ from θ (the inverse of <see cref="ToTheta"/> on its image): SDs from the diagonal of T_tT_t', ρ from the mean
    /// correlation of the pairs (cs) or of adjacent columns (ar1), kept strictly inside its range. A warm start given as θ
    /// (a refit's) enters the optimizer this way.
    /// </summary>
    public double[] FromTheta(ReadOnlySpan<double> theta)
    {
        var psi = new double[Count];
        for (int t = 0; t < _kind.Length; t++)
        {
            int q = Layout.Columns(t), o = Layout.Offset(t), k = _offset[t];
            if (_kind[t] == CovarianceKind.Unstructured)
            {
                theta.Slice(o, q * (q + 1) / 2).CopyTo(psi.AsSpan(k));
                continue;
            }
            var (sd, cor) = Layout.SdCorrelation(theta, t);
            switch (_kind[t])
            {
                case CovarianceKind.Diagonal:
                    sd.CopyTo(psi, k);
                    break;
                case CovarianceKind.CompoundSymmetry:
                {
                    sd.CopyTo(psi, k);
                    double r = 0;
                    for (int i = 0; i < q; i++) for (int j = 0; j < i; j++) r += cor[j * q + i];
                    r /= q * (q - 1) / 2;
                    double c = 1.0 / (q - 1), pr = Math.Clamp((r + c) / (1 + c), 1e-12, 1 - 1e-12);
                    psi[k + q] = Math.Log(pr / (1 - pr));
                    break;
                }
                case CovarianceKind.Ar1:
                {
                    psi[k] = sd.Average();
                    double r = 0;
                    for (int i = 1; i < q; i++) r += cor[(i - 1) * q + i];
                    r = Math.Clamp(r / (q - 1), -1 + 1e-12, 1 - 1e-12);
                    psi[k + 1] = r / Math.Sqrt((1 - r) * (1 + r));
                    break;
                }
            }
        }
        return psi;
    }

    /// <summary>
    /// A start away from a boundary fit's ψ: every SD of the implied Σ_t below 1e-4 is raised to half the largest SD of
    /// the model (0.1 when all are 0), an unstructured term's factor is made diagonal (its SDs, no correlation), and a
    /// structured term keeps its correlation parameter. A derivative-free optimizer that reached a boundary in one
    /// corner (say an intercept SD of 0 with the slope carrying the variance) can leave it from here.
    /// </summary>
    public double[] LiftedStart(ReadOnlySpan<double> psi)
    {
        var theta = ToTheta(psi);
        var sds = Enumerable.Range(0, _kind.Length).Select(t => Layout.SdCorrelation(theta, t).Sd).ToArray();
        double top = sds.SelectMany(s => s).DefaultIfEmpty(0).Max();
        double lift = top > 0 ? top / 2 : 0.1;
        var result = psi.ToArray();
        for (int t = 0; t < _kind.Length; t++)
        {
            int q = Layout.Columns(t), k = _offset[t];
            var sd = sds[t].Select(v => v < 1e-4 ? lift : v).ToArray();
            switch (_kind[t])
            {
                case CovarianceKind.Unstructured:
                    for (int j = 0; j < q; j++)
                        for (int i = j; i < q; i++) result[k + ThetaLayout.PackedIndex(q, i, j)] = i == j ? sd[i] : 0;
                    break;
                case CovarianceKind.Ar1:
                    result[k] = sd[0];
                    break;
                default:
                    for (int i = 0; i < q; i++) result[k + i] = sd[i];
                    break;
            }
        }
        return result;
    }

    /// <summary>cs's ρ = (1 + c)·logistic(a) − c, c = 1/(q − 1).</summary>
    public static double CsCorrelation(double a, int q)
    {
        double c = 1.0 / (q - 1);
        double l = a >= 0 ? 1 / (1 + Math.Exp(-a)) : Math.Exp(a) / (1 + Math.Exp(a));
        return (1 + c) * l - c;
    }

    /// <summary>ar1's ρ = a/√(1 + a²).</summary>
    public static double Ar1Correlation(double a) => double.IsInfinity(a) ? Math.Sign(a) : a / Math.Sqrt(1 + a * a);

    /// <summary>
    /// The structured terms' parameters as glmmTMB reports them: per term its structure, its SDs (s·σ for an LMM, q values;
    /// ar1's one SD repeated) and its correlation ρ (null for diag), on the scale <paramref name="sigma"/> gives.
    /// </summary>
    public IReadOnlyList<CovarianceStructureReport> Report(ReadOnlySpan<double> psi, IReadOnlyList<RandomEffectsTerm> terms, double sigma = 1)
    {
        var rows = new List<CovarianceStructureReport>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int t = 0; t < _kind.Length; t++)
        {
            // VarCorr's label: a grouping factor that carries several terms is g, g.1, g.2, … (as lme4 names them).
            string g0 = terms[t].Group;
            int rep = seen.GetValueOrDefault(g0);
            seen[g0] = rep + 1;
            string g = rep == 0 ? g0 : $"{g0}.{rep}";
            if (_kind[t] == CovarianceKind.Unstructured) continue;
            int q = Layout.Columns(t), k = _offset[t];
            double[] sd = _kind[t] == CovarianceKind.Ar1
                ? Enumerable.Repeat(sigma * psi[k], q).ToArray()
                : psi.Slice(k, q).ToArray().Select(s => sigma * s).ToArray();
            double? rho = _kind[t] switch
            {
                CovarianceKind.CompoundSymmetry => CsCorrelation(psi[k + q], q),
                CovarianceKind.Ar1 => Ar1Correlation(psi[k + 1]),
                _ => null,
            };
            rows.Add(new CovarianceStructureReport(g, terms[t].Source.CovarianceName, [.. terms[t].ColumnNames], sd, rho));
        }
        return rows;
    }
}

/// <summary>
/// One structured term's estimates as glmmTMB prints them: the grouping factor as VarCorr labels it (g, or g.1 for a second
/// term of g), the structure (diag, cs, ar1), the columns, their SDs and the one correlation ρ (null for diag).
/// </summary>
public sealed record CovarianceStructureReport(string Group, string Structure, string[] Columns, double[] Sd, double? Rho);
