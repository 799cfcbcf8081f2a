using FastGlmm.Backends;
using FastGlmm.Data.Frame;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>
/// lme4's nAGQ = 0 objective, a function of θ alone: β̃(θ) and û come from <see cref="JointPirls"/>,
/// and the value is the Laplace formula at (θ, β̃(θ), û). Its minimizer is lme4's first-stage estimate
/// and the start of the second stage; with nAGQ = 0 it is the final fit.
/// </summary>
public sealed class ProfiledLaplaceDeviance : IDisposable
{
    private readonly LaplaceDeviance _laplace;
    private readonly IGlmmBackend _backend;
    private double[] _beta;

    /// <summary>
    /// Prepares the evaluation on the backend <paramref name="backend"/> makes (the CPU by default), with β
    /// starting at <paramref name="beta0"/>.
    /// </summary>
    public ProfiledLaplaceDeviance(ModelFrame frame, double[] beta0, GlmmBackendFactory? backend = null)
    {
        _backend = (backend ?? GlmmBackends.Cpu)(new GlmmProblem(frame));
        _laplace = new LaplaceDeviance(_backend);
        _beta = (double[])beta0.Clone();
    }

    /// <summary>The θ layout used.</summary>
    public ThetaLayout Layout => _backend.Problem.Layout;

    /// <summary>β̃ at the last evaluation.</summary>
    public double[] Beta => (double[])_beta.Clone();

    /// <summary>R_X-based standard errors of β̃ at the last evaluation.</summary>
    public double[] BetaStandardErrors { get; private set; } = [];

    /// <summary>The backend the evaluations run on.</summary>
    public IGlmmBackend Backend => _backend;

    /// <summary>Releases the backend (device memory on a GPU).</summary>
    public void Dispose() => _backend.Dispose();

    /// <summary>The objective at θ (warm-started from the previous evaluation's u and β).</summary>
    public double Evaluate(ReadOnlySpan<double> theta)
    {
        double[] se;
        try { _beta = JointPirls.Run(_backend, theta, _beta, out se); }
        catch (PirlsException)
        {
            _backend.ResetModes();
            _beta = JointPirls.Run(_backend, theta, _beta, out se);
        }
        BetaStandardErrors = se;
        return _laplace.Evaluate(theta, _beta);
    }
}
