using FastGlmm.Backends;
using FastGlmm.Data.Frame;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>
/// The Laplace approximation to −2 log L of a GLMM at fixed (θ, β):
/// D_L = Σ_b [log det(Λ_b'Z_b'W Z_bΛ_b + I) + ‖û_b‖² − 2 Σ_{i∈b} log p(y_i | μ̂_i)], with û from
/// <see cref="Pirls"/> run to full convergence, W the IRLS weights w_i μ'(η_i)²/V(μ_i) at û, and full
/// normalizing constants (for Gamma, lme4's: the dispersion φ = Σ d_i / Σ w_i at μ̂ and R's +2). Being converged, it is a function of (θ, β) alone; lme4's own devfun
/// stops PIRLS earlier and differs from it by 1e-5 to 1e-2.
/// </summary>
public sealed class LaplaceDeviance
{
    private readonly IGlmmBackend _backend;
    private readonly double[] _ld, _uu, _dev, _sat, _ll, _pdev;
    private readonly bool _dispersion;
    private readonly double _dispersionDenominator;

    /// <summary>Prepares the evaluation on the backend <paramref name="backend"/> makes (the CPU by default).</summary>
    public LaplaceDeviance(ModelFrame frame, GlmmBackendFactory? backend = null)
        : this((backend ?? GlmmBackends.Cpu)(new GlmmProblem(frame))) { }

    /// <summary>Prepares the evaluation on a given backend.</summary>
    public LaplaceDeviance(IGlmmBackend backend)
    {
        _backend = backend;
        int nb = backend.Problem.BlockCount;
        _ld = new double[nb];
        _uu = new double[nb];
        _dev = new double[nb];
        _ll = new double[nb];
        _sat = new double[nb];
        _pdev = new double[nb];
        backend.SaturatedConstants(_sat);
        _dispersion = backend.Problem.Family.UsesLme4Scale;
        _dispersionDenominator = _dispersion ? DispersionDenominator(backend.Problem) : 1;
    }

    /// <summary>The θ layout used.</summary>
    public ThetaLayout Layout => _backend.Problem.Layout;

    /// <summary>The backend.</summary>
    public IGlmmBackend Backend => _backend;

    /// <summary>PIRLS's stopping tolerance on the predicted decrease (<see cref="Pirls.DecreaseTolerance"/> by default).</summary>
    public double PirlsTolerance { get; init; } = Pirls.DecreaseTolerance;

    /// <summary>D_L at (θ, β). PIRLS starts from the previous evaluation's modes.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta)
    {
        _backend.SetParameters(theta, beta);
        Pirls.RunWithColdRestart(_backend, _pdev, PirlsTolerance);
        // At convergence the backend holds log det A_b at û, and pdev = Σ d_i + ‖û_b‖².
        _backend.LogDeterminants(_ld);
        if (!_dispersion) return Assemble(_ld, _pdev, _sat);
        _backend.LaplaceTerms(_ld, _uu, _dev);
        _backend.LogLikelihoodTerms(Dispersion(_dev, _dispersionDenominator), _ll);
        return AssembleDispersed(_ld, _uu, _ll);
    }

    /// <summary>
    /// D_L from the per-block terms at the modes, for families without a dispersion parameter:
    /// Σ_b (log det A_b + pdev_b) + Σ_b c_b, with pdev_b = Σ_{i∈b} d_i + ‖û_b‖² and c_b the saturated constants
    /// (all of length blocks). Every backend's value (one fit or one replicate of a refit batch) is this sum.
    /// </summary>
    public static double Assemble(ReadOnlySpan<double> logDet, ReadOnlySpan<double> pdev, ReadOnlySpan<double> saturated)
    {
        double d = 0;
        for (int b = 0; b < logDet.Length; b++) d += logDet[b] + pdev[b];
        for (int b = 0; b < logDet.Length; b++) d += saturated[b];
        return d;
    }

    /// <summary>
    /// The n of lme4's dispersion φ = Σd/n, as R's family aic functions take it: Σ_i w_i for Gamma, the number of rows for
    /// gaussian (whose aic is n(log(2π·dev/n) + 1) + 2 − Σ log w).
    /// </summary>
    public static double DispersionDenominator(GlmmProblem problem) =>
        problem.Family.Family == Families.FamilyId.Gaussian ? problem.N : problem.Weights.Sum();

    /// <summary>lme4's dispersion at μ̂: φ = Σ_b Σ_{i∈b} d_i / n, from the per-block deviances (length blocks) and n (<see cref="DispersionDenominator"/>).</summary>
    public static double Dispersion(ReadOnlySpan<double> deviance, double weightSum)
    {
        double dev = 0;
        for (int b = 0; b < deviance.Length; b++) dev += deviance[b];
        return dev / weightSum;
    }

    /// <summary>
    /// D_L for lme4's families with a scale (R's Gamma()$aic and gaussian()$aic):
    /// Σ_b (log det A_b + ‖û_b‖²) + Σ_b (−2 Σ_{i∈b} w_i log p(y_i | μ̂_i, φ)) + 2,
    /// with φ from <see cref="Dispersion"/> (all of length blocks).
    /// </summary>
    public static double AssembleDispersed(ReadOnlySpan<double> logDet, ReadOnlySpan<double> uSquared, ReadOnlySpan<double> minusTwoLogLik)
    {
        double d = 0, ll = 0;
        for (int b = 0; b < logDet.Length; b++) d += logDet[b] + uSquared[b];
        for (int b = 0; b < minusTwoLogLik.Length; b++) ll += minusTwoLogLik[b];
        return d + ll + 2;
    }
}
