using FastGlmm.Families;

namespace FastGlmm.Likelihood;

/// <summary>
/// The per-row log-likelihood of a count model fitted by <see cref="CountLaplace"/> (log link, η = log μ), with the
/// parameters beyond θ and β (a dispersion, zero-inflation coefficients): Σ_i w_iℓ_i = <see cref="Constant"/> +
/// Σ_i w_i·<see cref="Row"/>(i, …), where Row holds every term that depends on μ, with ∂/∂η and −∂²/∂η² of it.
/// <see cref="Set"/> is called before each evaluation; Row is then called from several threads and must only read.
/// </summary>
internal interface ICountRows
{
    /// <summary>Names of the extra parameters, in the order <see cref="Set"/> takes them.</summary>
    IReadOnlyList<string> ExtraNames { get; }

    /// <summary>Sets the extra parameters (e.g. log k, or the zero-inflation coefficients).</summary>
    void Set(ReadOnlySpan<double> extra);

    /// <summary>The μ-free part of Σ_i w_iℓ_i at the current extra parameters.</summary>
    double Constant();

    /// <summary>
    /// The μ-dependent part of ℓ_i at η (unweighted), its score ∂/∂η, the observed information −∂²/∂η² and a positive
    /// information for Newton directions (Fisher's where it has a closed form).
    /// </summary>
    double Row(int i, double y, double eta, out double score, out double observed, out double direction);
}

/// <summary>nbinom2: ℓ = log Γ(y + k) − log Γ(k) − log y! + k log k + yη − (k + y) log(k + μ), extra [log k].</summary>
internal sealed class NegativeBinomial2Rows(double[] y, double[] weights) : ICountRows
{
    private readonly (double Y, double Weight)[] _counts = CountTable(y, weights);
    private double _k = 1, _logK;

    public IReadOnlyList<string> ExtraNames => ["log k"];

    public double K => _k;

    public void Set(ReadOnlySpan<double> extra) => (_k, _logK) = (Math.Exp(extra[0]), extra[0]);

    public double Constant()
    {
        double c = 0;
        foreach (var (yv, w) in _counts) c += w * (NegativeBinomial.LogGammaRatio(yv, _k) - SpecialFunctions.LogGamma(yv + 1));
        return c;
    }

    public double Row(int i, double y, double eta, out double score, out double observed, out double direction)
    {
        double k = _k, mu = Math.Exp(eta);
        // log(k + μ) = log k + log1p(μ/k): one logarithm per row.
        double l1 = StableMath.Log1p(mu / k);
        score = k * (y - mu) / (k + mu);
        double d = k + mu;
        observed = k * mu * (y + k) / (d * d);
        direction = k * mu / d;
        return (y == 0 ? 0 : y * (eta - _logK - l1)) - k * l1;
    }

    /// <summary>Each distinct count with its total weight, ascending.</summary>
    public static (double, double)[] CountTable(double[] y, double[] weights)
    {
        var byCount = new Dictionary<double, double>();
        for (int i = 0; i < y.Length; i++) byCount[y[i]] = byCount.GetValueOrDefault(y[i]) + weights[i];
        return [.. byCount.OrderBy(c => c.Key).Select(c => (c.Key, c.Value))];
    }
}

/// <summary>
/// nbinom1 (glmmTMB's): NB with size μ/φ, so Var y = μ(1 + φ); ℓ = log Γ(y + μ/φ) − log Γ(μ/φ) − log y! − (μ/φ) log(1 + φ)
/// + y log(φ/(1 + φ)), extra [log φ]. With s = μ/φ: ∂ℓ/∂η = s[ψ(y + s) − ψ(s) − log(1 + φ)] and
/// −∂²ℓ/∂η² = −∂ℓ/∂η − s²[ψ′(y + s) − ψ′(s)]; Newton directions use μ/(1 + φ) = μ²/Var.
/// </summary>
internal sealed class NegativeBinomial1Rows(double[] y, double[] weights) : ICountRows
{
    private readonly (double Y, double Weight)[] _counts = NegativeBinomial2Rows.CountTable(y, weights);
    private double _phi = 1, _log1pPhi = Math.Log(2);

    public IReadOnlyList<string> ExtraNames => ["log phi"];

    public double Phi => _phi;

    public void Set(ReadOnlySpan<double> extra)
    {
        _phi = Math.Exp(extra[0]);
        _log1pPhi = StableMath.Log1p(_phi);
    }

    public double Constant()
    {
        double c = 0, logRatio = Math.Log(_phi) - _log1pPhi;
        foreach (var (yv, w) in _counts) c += w * (yv * logRatio - SpecialFunctions.LogGamma(yv + 1));
        return c;
    }

    public double Row(int i, double y, double eta, out double score, out double observed, out double direction)
    {
        double mu = Math.Exp(eta), s = mu / _phi;
        var (lg, dg, tg) = Differences(y, s);
        score = s * (dg - _log1pPhi);
        observed = -score - s * s * tg;
        direction = mu / (1 + _phi);
        return lg - s * _log1pPhi;
    }

    /// <summary>
    /// log Γ(y + s) − log Γ(s), ψ(y + s) − ψ(s) and ψ′(y + s) − ψ′(s): as sums over j &lt; y of log(s + j), 1/(s + j) and
    /// −1/(s + j)² for whole y &lt; 64 (no cancellation for large s), else by the functions.
    /// </summary>
    private static (double, double, double) Differences(double y, double s)
    {
        if (y == 0) return (0, 0, 0);
        if (y < 64 && y == Math.Floor(y))
        {
            double l = 0, d = 0, t = 0;
            for (int j = 0; j < (int)y; j++)
            {
                double a = s + j;
                l += Math.Log(a);
                d += 1 / a;
                t -= 1 / (a * a);
            }
            return (l, d, t);
        }
        return (SpecialFunctions.LogGamma(y + s) - SpecialFunctions.LogGamma(s),
            SpecialFunctions.Digamma(y + s) - SpecialFunctions.Digamma(s), SpecialFunctions.Trigamma(y + s) - SpecialFunctions.Trigamma(s));
    }
}

/// <summary>poisson: ℓ = yη − μ − log y!, extra none; observed and Fisher's information are both μ.</summary>
internal sealed class PoissonRows(double[] y, double[] weights) : ICountRows
{
    private readonly double _constant = -NegativeBinomial2Rows.CountTable(y, weights).Sum(c => c.Item2 * SpecialFunctions.LogGamma(c.Item1 + 1));

    public IReadOnlyList<string> ExtraNames => [];

    public void Set(ReadOnlySpan<double> extra) { }

    public double Constant() => _constant;

    public double Row(int i, double y, double eta, out double score, out double observed, out double direction)
    {
        double mu = Math.Exp(eta);
        score = y - mu;
        observed = direction = mu;
        return y * eta - mu;
    }
}

/// <summary>
/// Zero inflation (glmmTMB's ziformula) around a count model p: y = 0 with probability π_i + (1 − π_i)p(0), else
/// (1 − π_i)p(y); logit π = X_zi γ. Extra parameters: the count model's, then γ. For y &gt; 0, ℓ = log(1 − π) + the count
/// model's ℓ (log(1 − π) in the constant); for y = 0, with l₀ = log p(0) (the count model's μ-dependent part at y = 0,
/// whose constant is 0 for every count model here), ℓ = log(π + (1 − π)e^{l₀}), score r·l₀′ and observed information
/// r·o₀ − r(1 − r)l₀′², r = (1 − π)e^{l₀}/(π + (1 − π)e^{l₀}) (o₀ = −l₀″); Newton directions use r times the count
/// model's direction information where the observed one is not positive.
/// </summary>
internal sealed class ZeroInflatedRows : ICountRows
{
    private readonly ICountRows _count;
    private readonly double[] _y, _w, _x;
    private readonly int _n, _countExtra;
    private readonly string[] _names;
    private readonly double[] _logPi, _log1mPi;

    /// <summary>The count model, its rows' y and weights, and the zero-inflation design X_zi (n × p_zi column-major, problem order).</summary>
    public ZeroInflatedRows(ICountRows count, double[] y, double[] weights, double[] xZi, string[] names)
    {
        (_count, _y, _w, _x, _names, _n) = (count, y, weights, xZi, names, y.Length);
        _countExtra = count.ExtraNames.Count;
        _logPi = new double[_n];
        _log1mPi = new double[_n];
    }

    public IReadOnlyList<string> ExtraNames => [.. _count.ExtraNames, .. _names.Select(n => "zi " + n)];

    /// <summary>π_i at the current γ, in problem row order.</summary>
    public double[] ZeroProbabilities() => [.. _logPi.Select(Math.Exp)];

    public void Set(ReadOnlySpan<double> extra)
    {
        _count.Set(extra[.._countExtra]);
        var gamma = extra[_countExtra..];
        int p = _names.Length;
        double last = double.NaN, lastLogPi = 0;
        for (int i = 0; i < _n; i++)
        {
            double e = 0;
            for (int j = 0; j < p; j++) e += _x[(long)j * _n + i] * gamma[j];
            // log π = −log(1 + e^{−e}) without overflow, and log(1 − π) = log π − e; rows with the same linear
            // predictor (an intercept-only model: all of them) reuse the previous row's.
            if (e != last) (last, lastLogPi) = (e, -StableMath.Log1pExp(-e));
            _logPi[i] = lastLogPi;
            _log1mPi[i] = lastLogPi - e;
        }
    }

    public double Constant()
    {
        double c = _count.Constant();
        for (int i = 0; i < _n; i++) if (_y[i] > 0) c += _w[i] * _log1mPi[i];
        return c;
    }

    public double Row(int i, double y, double eta, out double score, out double observed, out double direction)
    {
        if (y > 0) return _count.Row(i, y, eta, out score, out observed, out direction);
        double l0 = _count.Row(i, 0, eta, out double s0, out double o0, out double d0);
        double a = _logPi[i], b = _log1mPi[i] + l0, m = Math.Max(a, b);
        double lse = m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
        double r = Math.Exp(b - lse);
        score = r * s0;
        observed = r * o0 - r * (1 - r) * s0 * s0;
        direction = r * d0;
        return lse;
    }
}

/// <summary>
/// Zero truncation (glmmTMB's truncated_poisson, truncated_nbinom2, truncated_nbinom1) of a count model p: for y &gt; 0,
/// ℓ = log p(y) − log(1 − p(0)); with l₀ = log p(0) (score s₀, observed information o₀) and q = p(0)/(1 − p(0)), the term
/// −log(1 − e^{l₀}) adds q·s₀ to the score and q·o₀ − q(1 + q)s₀² to the observed information (Newton directions use
/// the count model's direction information where that is not positive). Rows with y = 0 contribute nothing (they
/// belong to a hurdle's zero model, <see cref="HurdleRows"/>). Extra parameters: the count model's.
/// </summary>
internal sealed class TruncatedRows(ICountRows count) : ICountRows
{
    public IReadOnlyList<string> ExtraNames => count.ExtraNames;

    public void Set(ReadOnlySpan<double> extra) => count.Set(extra);

    public double Constant() => count.Constant();

    public double Row(int i, double y, double eta, out double score, out double observed, out double direction)
    {
        if (y == 0) { score = observed = direction = 0; return 0; }
        double value = count.Row(i, y, eta, out score, out observed, out direction);
        double l0 = count.Row(i, 0, eta, out double s0, out double o0, out _);
        // log(1 − e^{l₀}) with l₀ < 0: log(−expm1(l₀)), accurate for l₀ near 0 and near −∞.
        double log1m = l0 > -0.6931 ? Math.Log(-StableMath.Expm1(l0)) : StableMath.Log1p(-Math.Exp(l0));
        double q = Math.Exp(l0 - log1m);
        score += q * s0;
        observed += q * o0 - q * (1 + q) * s0 * s0;
        return value - log1m;
    }
}

/// <summary>
/// A hurdle model (glmmTMB's truncated family with ziformula): y = 0 with probability π_i, else (1 − π_i) times the
/// zero-truncated count model; logit π = X_zi γ. ℓ = log π for zeros and log(1 − π) + the truncated model's ℓ for
/// positives; the zero part does not involve μ, so it is all in the constant. Extra parameters: the count model's, then γ.
/// </summary>
internal sealed class HurdleRows : ICountRows
{
    private readonly TruncatedRows _count;
    private readonly double[] _y, _w, _x;
    private readonly int _n, _countExtra;
    private readonly string[] _names;
    private double _zeroPart;
    private double[] _pi;

    public HurdleRows(TruncatedRows count, double[] y, double[] weights, double[] xZi, string[] names)
    {
        (_count, _y, _w, _x, _names, _n) = (count, y, weights, xZi, names, y.Length);
        _countExtra = count.ExtraNames.Count;
        _pi = new double[_n];
    }

    public IReadOnlyList<string> ExtraNames => [.. _count.ExtraNames, .. _names.Select(n => "zi " + n)];

    public void Set(ReadOnlySpan<double> extra)
    {
        _count.Set(extra[.._countExtra]);
        var gamma = extra[_countExtra..];
        int p = _names.Length;
        double c = 0;
        for (int i = 0; i < _n; i++)
        {
            double e = 0;
            for (int j = 0; j < p; j++) e += _x[(long)j * _n + i] * gamma[j];
            double logPi = -StableMath.Log1pExp(-e);
            _pi[i] = Math.Exp(logPi);
            c += _w[i] * (_y[i] == 0 ? logPi : logPi - e);
        }
        _zeroPart = c;
    }

    public double Constant() => _count.Constant() + _zeroPart;

    public double Row(int i, double y, double eta, out double score, out double observed, out double direction) =>
        _count.Row(i, y, eta, out score, out observed, out direction);
}

/// <summary>
/// Gamma with the log link and its dispersion φ by maximum likelihood (glmmTMB's Gamma family): shape a = 1/φ,
/// ℓ = a log a − a(η + y e^{−η}) + (a − 1) log y − log Γ(a); score a(y e^{−η} − 1), observed information a·y e^{−η},
/// Fisher's a. Extra [log φ]. (lme4's Gamma GLMM is a different objective; see FitResult.Sigma.)
/// </summary>
internal sealed class GammaRows(double[] y, double[] weights) : ICountRows
{
    private readonly double _sumW = weights.Sum(), _sumWLogY = y.Zip(weights, (v, w) => w * Math.Log(v)).Sum();
    private double _a = 1;

    public IReadOnlyList<string> ExtraNames => ["log phi"];

    public void Set(ReadOnlySpan<double> extra) => _a = Math.Exp(-extra[0]);

    public double Constant() => _sumW * (_a * Math.Log(_a) - SpecialFunctions.LogGamma(_a)) + (_a - 1) * _sumWLogY;

    public double Row(int i, double y, double eta, out double score, out double observed, out double direction)
    {
        double r = y * Math.Exp(-eta);
        score = _a * (r - 1);
        observed = _a * r;
        direction = _a;
        return -_a * (eta + r);
    }
}

/// <summary>
/// Beta with the logit link and precision φ (glmmTMB's beta_family): μ = logistic(η), ℓ = log Γ(φ) − log Γ(μφ) −
/// log Γ((1 − μ)φ) + (μφ − 1) log y + ((1 − μ)φ − 1) log(1 − y). With m = μ(1 − μ), ℓ_μ = φ[ψ((1 − μ)φ) − ψ(μφ) +
/// log(y/(1 − y))] and ℓ_μμ = −φ²[ψ′(μφ) + ψ′((1 − μ)φ)]: score ℓ_μ·m, observed −ℓ_μμ·m² − ℓ_μ·m(1 − 2μ), Fisher −ℓ_μμ·m².
/// Extra [log φ]; the μ-free part Σw[log Γ(φ) − log y − log(1 − y)] is the constant.
/// </summary>
internal sealed class BetaRows(double[] y, double[] weights) : ICountRows
{
    private readonly double _sumW = weights.Sum(),
        _sumWLog = y.Zip(weights, (v, w) => w * (Math.Log(v) + StableMath.Log1p(-v))).Sum();
    private double _phi = 1;

    public IReadOnlyList<string> ExtraNames => ["log phi"];

    public double Phi => _phi;

    public void Set(ReadOnlySpan<double> extra) => _phi = Math.Exp(extra[0]);

    public double Constant() => _sumW * SpecialFunctions.LogGamma(_phi) - _sumWLog;

    public double Row(int i, double y, double eta, out double score, out double observed, out double direction)
    {
        double phi = _phi;
        // μ = logistic(η) and 1 − μ, each without cancellation.
        double mu = eta >= 0 ? 1 / (1 + Math.Exp(-eta)) : Math.Exp(eta) / (1 + Math.Exp(eta));
        double nu = eta >= 0 ? Math.Exp(-eta) / (1 + Math.Exp(-eta)) : 1 / (1 + Math.Exp(eta));
        double a = mu * phi, b = nu * phi, m = mu * nu;
        double ly = Math.Log(y), l1y = StableMath.Log1p(-y);
        double lmu = phi * (SpecialFunctions.Digamma(b) - SpecialFunctions.Digamma(a) + ly - l1y);
        double lmumu = -phi * phi * (SpecialFunctions.Trigamma(a) + SpecialFunctions.Trigamma(b));
        score = lmu * m;
        direction = -lmumu * m * m;
        observed = direction - lmu * m * (nu - mu);
        return -SpecialFunctions.LogGamma(a) - SpecialFunctions.LogGamma(b) + a * ly + b * l1y;
    }
}

/// <summary>
/// Tweedie with the log link (glmmTMB's tweedie): extra [log φ, logit(p − 1)] (glmmTMB's parameterization of the power,
/// 1 &lt; p &lt; 2). The μ-dependent part of ℓ is [y e^{(1−p)η}/(1 − p) − e^{(2−p)η}/(2 − p)]/φ, with score
/// (y e^{(1−p)η} − e^{(2−p)η})/φ, observed information [(2 − p)e^{(2−p)η} − (1 − p)y e^{(1−p)η}]/φ and Fisher's e^{(2−p)η}/φ;
/// the constant Σ w·c(y; φ, p) is <see cref="Tweedie.LogNormalizer"/> summed over the rows (each distinct y once).
/// </summary>
internal sealed class TweedieRows(double[] y, double[] weights) : ICountRows
{
    private readonly (double Y, double Weight)[] _values = NegativeBinomial2Rows.CountTable(y, weights);
    private double _phi = 1, _p = 1.5;

    public IReadOnlyList<string> ExtraNames => ["log phi", "logit(power - 1)"];

    public double Phi => _phi;

    public double Power => _p;

    public void Set(ReadOnlySpan<double> extra)
    {
        _phi = Math.Exp(extra[0]);
        _p = 1 + 1 / (1 + Math.Exp(-extra[1]));
    }

    public double Constant()
    {
        double c = 0;
        foreach (var (yv, w) in _values) c += w * Tweedie.LogNormalizer(yv, _phi, _p);
        return c;
    }

    public double Row(int i, double y, double eta, out double score, out double observed, out double direction)
    {
        double a = 1 - _p, b = 2 - _p, ea = y == 0 ? 0 : y * Math.Exp(a * eta), eb = Math.Exp(b * eta);
        score = (ea - eb) / _phi;
        observed = (b * eb - a * ea) / _phi;
        direction = eb / _phi;
        return (ea / a - eb / b) / _phi;
    }
}
