using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Model;
using FastGlmm.Optimization;

namespace FastGlmm.Inference;

/// <summary>
/// The ML deviance of a linear mixed model over lme4's profile parameters φ = [s, σ, β]: s the SDs and
/// correlations of every term in θ's order (<see cref="SdCorScale"/>; k = #θ + 1 values with σ), then the p
/// fixed effects. With θ = θ(s, σ), LL' = Λ'Z'WZΛ + I and r²(θ, β) = min_u ‖W^½(y − Xβ − ZΛu)‖² + ‖u‖²,
/// D(φ) = n log(2πσ²) + log det(LL') − Σ log w + r²(θ, β)/σ², the deviance lme4's <c>devfun2</c> profiles.
/// Its profile D_j(c) = min_{φ: φ_j = c} D(φ) eliminates what has a closed form: for an SD, correlation
/// or σ, β = β̂(θ) and the other k − 1 values are optimized numerically (the correlations of a term with three or
/// more columns in hyperspherical angles, <see cref="VarianceCoordinates"/>); for a fixed effect, σ² = r²/n and
/// the other fixed effects solve the penalized least squares (<see cref="LmmEvaluation.PenalizedRssWithFixed"/>),
/// and θ is optimized numerically. The centre φ̂ is the ML fit: as lme4, a REML fit is profiled on the ML
/// deviance about its ML refit.
/// </summary>
public sealed class LmmProfile
{
    private const double RhoBegin = 0.25, RhoEnd = 1e-6, AngleScale = 0.1;
    private readonly LmmDeviance _dev;
    private readonly ThetaLayout _layout;
    private readonly double _logWeightSum;
    private readonly double[] _thetaScale;

    /// <summary>
    /// Fits the frame's model by ML (from <paramref name="thetaStart"/>, e.g. a REML fit's θ̂, when given) and
    /// prepares its profiles.
    /// </summary>
    /// <exception cref="UserInputException">The frame is not a linear mixed model (gaussian, identity link).</exception>
    public LmmProfile(ModelFrame frame, double[]? thetaStart = null)
    {
        if (!frame.Family.IsLinearMixedModel)
            throw new UserInputException($"the ML profile of a linear mixed model needs family gaussian(identity), not {frame.Family}");
        var cp = new LmmCrossProducts(frame);
        _layout = new ThetaLayout(frame.RandomTerms);
        _dev = new LmmDeviance(cp, _layout);
        _logWeightSum = cp.LogWeightSum;
        N = frame.RowCount;
        K = _layout.Count + 1;
        var fit = LmmFitter.Fit(frame, reml: false, thetaStart: thetaStart);
        Theta = fit.Theta;
        Estimate = [.. SdCorScale.FromTheta(_layout, fit.Theta, fit.Sigma), .. fit.Beta];
        MinimumDeviance = fit.Deviance;
        Names = [.. SdCorScale.Names(_layout), .. frame.X.ColumnNames];
        Lower = [.. SdCorScale.Lower(_layout), .. Enumerable.Repeat(double.NegativeInfinity, fit.Beta.Length)];
        Upper = [.. SdCorScale.Upper(_layout), .. Enumerable.Repeat(double.PositiveInfinity, fit.Beta.Length)];
        var e = _dev.Evaluate(Theta, reml: false);
        _thetaScale = LmmProfileScales.Theta(_dev, Theta);
        Scale = [.. LmmProfileScales.Variance(VarianceDeviance, Estimate[..K], _layout, fit.Sigma),
            .. LmmProfileScales.Fixed(e, fit.Sigma)];
    }

    /// <summary>Observations n.</summary>
    public int N { get; }

    /// <summary>Number k = #θ + 1 of variance parameters (SDs, correlations, σ) at the front of φ.</summary>
    public int K { get; }

    /// <summary>lme4's names of φ: .sig01, …, .sigma, then the fixed effects (the X columns).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>φ̂, the ML estimates on the profile scale (length k + p).</summary>
    public double[] Estimate { get; }

    /// <summary>θ̂ of the ML fit.</summary>
    public double[] Theta { get; }

    /// <summary>D(φ̂), the minimum ML deviance.</summary>
    public double MinimumDeviance { get; }

    /// <summary>Lower bounds of φ: 0 for SDs and σ, −1 for correlations, −∞ for fixed effects.</summary>
    public double[] Lower { get; }

    /// <summary>Upper bounds of φ: 1 for correlations, +∞ otherwise.</summary>
    public double[] Upper { get; }

    /// <summary>
    /// Approximate standard errors of φ̂ (√(2[H⁻¹]_jj) from a central-difference Hessian of the β-profiled deviance
    /// over the k variance parameters; σ̂·√((R_X R_X')⁻¹)_jj for fixed effects): the units of the profile's steps.
    /// </summary>
    public double[] Scale { get; }

    /// <summary>D(φ) at a full parameter vector (length k + p).</summary>
    /// <exception cref="ArgumentException">Wrong length, a negative SD, a correlation outside [−1, 1], σ ≤ 0, or
    /// correlations that do not form a positive semi-definite matrix.</exception>
    public double Deviance(ReadOnlySpan<double> phi)
    {
        if (phi.Length != Estimate.Length) throw new ArgumentException($"φ needs {Estimate.Length} values, not {phi.Length}");
        var theta = new double[_layout.Count];
        if (!SdCorScale.TryToTheta(_layout, phi[..K], theta))
            throw new ArgumentException("φ is outside the parameter space (SDs and σ must be ≥ 0 and σ > 0, correlations a correlation matrix)");
        var e = _dev.Evaluate(theta, reml: false);
        double sigma = phi[K - 1];
        return WithSigma(e.LogDetL, e.PenalizedRssAt(phi[K..]), sigma);
    }

    /// <summary>
    /// The profile D_j(c) = min over φ with φ_j = c of D(φ), searched from <paramref name="start"/> (a full φ, e.g.
    /// the minimizer at a nearby c; its j-th entry is replaced by c), and the minimizing φ.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">j is not an index of φ, or c is outside [Lower_j, Upper_j].</exception>
    public (double Deviance, double[] At) Profile(int j, double c, double[] start)
    {
        if ((uint)j >= (uint)Estimate.Length) throw new ArgumentOutOfRangeException(nameof(j));
        if (!(c >= Lower[j] && c <= Upper[j])) throw new ArgumentOutOfRangeException(nameof(c), $"{Names[j]} = {c} is outside [{Lower[j]}, {Upper[j]}]");
        if (start.Length != Estimate.Length) throw new ArgumentException($"start needs {Estimate.Length} values, not {start.Length}");
        return j < K ? ProfileVariance(j, c, start) : ProfileFixed(j - K, c, start);
    }

    private double WithSigma(double logDetL, double rss, double sigma) =>
        N * Math.Log(2 * Math.PI * sigma * sigma) + logDetL - _logWeightSum + rss / (sigma * sigma);

    /// <summary>min over β of D at the k variance values x; +∞ outside the parameter space.</summary>
    private double VarianceDeviance(double[] x)
    {
        var theta = new double[_layout.Count];
        if (!SdCorScale.TryToTheta(_layout, x, theta)) return double.PositiveInfinity;
        var e = _dev.Evaluate(theta, reml: false);
        return WithSigma(e.LogDetL, e.PenalizedRss, x[K - 1]);
    }

    private (double, double[]) ProfileVariance(int j, double c, double[] start)
    {
        var map = new VarianceCoordinates(_layout, j);
        var x0 = start[..K];
        for (int i = 0; i < K; i++) x0[i] = Math.Clamp(x0[i], Lower[i], Upper[i]);
        var u0 = map.ToInner(x0);
        u0[j] = map.IsAngle(j) ? Math.Acos(c) : c;
        var s = new double[K];
        var lower = new double[K];
        var upper = new double[K];
        for (int i = 0; i < K; i++)
            (s[i], lower[i], upper[i]) = map.IsAngle(i) ? (AngleScale, 0, Math.PI) : (Scale[i], Lower[i], Upper[i]);
        double[] Outer(double[] z) => map.ToOuter([.. z.Select((zi, i) => u0[i] + s[i] * zi)]);
        var (lo, hi) = Box(u0, s, lower, upper, j);
        var o = BoundedTrustRegion.Minimize(z => VarianceDeviance(Outer(z)), new double[K], RhoBegin, RhoEnd, lo, hi);
        var x = Outer(o.X);
        x[j] = c;
        var theta = new double[_layout.Count];
        SdCorScale.TryToTheta(_layout, x, theta);
        return (o.F, [.. x, .. _dev.Evaluate(theta, reml: false).Beta]);
    }

    private (double, double[]) ProfileFixed(int j, double c, double[] start)
    {
        int nt = _layout.Count;
        var t0 = new double[nt];
        if (!SdCorScale.TryToTheta(_layout, start[..K], t0)) t0 = (double[])Theta.Clone();
        double[] Unscale(double[] z) => [.. z.Select((zi, i) => t0[i] + _thetaScale[i] * zi)];
        var lower = _layout.Lower.ToArray();
        var (lo, hi) = Box(t0, _thetaScale, lower, [.. Enumerable.Repeat(double.PositiveInfinity, nt)], -1);
        double F(double[] z)
        {
            var e = _dev.Evaluate(Unscale(z), reml: false);
            double rss = e.PenalizedRssWithFixed(j, c).Rss;
            return e.LogDetL - _logWeightSum + N * (1 + Math.Log(2 * Math.PI * rss / N));
        }
        var o = BoundedTrustRegion.Minimize(F, new double[nt], RhoBegin, RhoEnd, lo, hi);
        var theta = Unscale(o.X);
        var (r2, beta) = _dev.Evaluate(theta, reml: false).PenalizedRssWithFixed(j, c);
        return (o.F, [.. SdCorScale.FromTheta(_layout, theta, Math.Sqrt(r2 / N)), .. beta]);
    }

    /// <summary>Bounds in standardized units z = (x − x0)/s, with coordinate <paramref name="fixedIndex"/> held at 0.</summary>
    private static (double[] Lo, double[] Hi) Box(double[] x0, double[] s, double[] lower, double[] upper, int fixedIndex)
    {
        int n = x0.Length;
        var lo = new double[n];
        var hi = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (i == fixedIndex) continue;
            lo[i] = Math.Min(0, double.IsNegativeInfinity(lower[i]) ? double.NegativeInfinity : (lower[i] - x0[i]) / s[i]);
            hi[i] = Math.Max(0, double.IsPositiveInfinity(upper[i]) ? double.PositiveInfinity : (upper[i] - x0[i]) / s[i]);
        }
        return (lo, hi);
    }
}
