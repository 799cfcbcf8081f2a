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
        _dispersion = backend.Problem.Family.Family == Families.FamilyId.Gamma;
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
        double d = 0;
        for (int b = 0; b < _ld.Length; b++) d += _ld[b] + _pdev[b];
        if (!_dispersion)
        {
            for (int b = 0; b < _ld.Length; b++) d += _sat[b];
            return d;
        }
        _backend.LaplaceTerms(_ld, _uu, _dev);
        d = 0;
        for (int b = 0; b < _ld.Length; b++) d += _ld[b] + _uu[b];
        // lme4 (R's Gamma()$aic): φ = Σ d_i / Σ w_i at μ̂, then −2 Σ w log dgamma(y; 1/φ, μφ) + 2.
        double dev = _dev.Sum(), wsum = _backend.Problem.Weights.Sum();
        _backend.LogLikelihoodTerms(dev / wsum, _ll);
        return d + _ll.Sum() + 2;
    }
}
