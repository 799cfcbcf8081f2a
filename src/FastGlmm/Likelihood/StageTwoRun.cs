using FastGlmm.Optimization;

namespace FastGlmm.Likelihood;

/// <summary>
/// Which objective a <see cref="StageTwoRun"/> point is to be evaluated on: the Laplace −2 log L, or the
/// adaptive Gauss–Hermite one (stage 3, nAGQ &gt; 1).
/// </summary>
public enum StageObjective
{
    /// <summary>The Laplace deviance over v = [θ, β].</summary>
    Laplace,

    /// <summary>The AGQ deviance over v = [θ, β].</summary>
    Agq,
}

/// <summary>
/// Stages 2 and 3 of <see cref="GlmmFitter.Fit"/> as an ask/tell run over v = [θ, β], so that a caller can
/// evaluate the objective itself (one fit) or for many refits at once (lockstep batches). From v₁ = [θ₁, β₁]
/// it works in standardized units z, v = v₁ + s ∘ z: s_β = the given β scales, s_θi = √(2/c_i) with c_i the
/// curvature of D along θ_i (from a given Hessian, else central differences at v₁, asked for as the first
/// points). Stage 2 minimizes the Laplace D from z = 0 (ρ 0.5 → ρ_end, the model seeded with the Hessian in z
/// units when given); for nAGQ &gt; 1 stage 3 continues on the AGQ D from there (ρ 0.1 → ρ_end).
/// </summary>
public sealed class StageTwoRun
{
    private readonly IEnumerator<(double[] V, StageObjective On)> _steps;
    private bool _waiting, _done;
    private double _told = double.NaN;

    /// <summary>Sets the run up.</summary>
    /// <param name="theta1">θ₁ (nt).</param>
    /// <param name="beta1">β₁ (p).</param>
    /// <param name="betaScale">s_β (p); a non-positive or non-finite entry becomes max(0.1, |β₁j|).</param>
    /// <param name="lowerTheta">θ's lower bounds (nt).</param>
    /// <param name="hessian">∂²D/∂v² at a nearby optimum ((nt + p)², row-major), or null.</param>
    /// <param name="rhoEnd">The final radius in z units.</param>
    /// <param name="nagq">Nodes per dimension (&gt; 1 adds stage 3).</param>
    /// <param name="maxEvaluations">Evaluations allowed in these stages.</param>
    public StageTwoRun(double[] theta1, double[] beta1, double[] betaScale, double[] lowerTheta, double[]? hessian,
        double rhoEnd, int nagq, int maxEvaluations)
    {
        _steps = Steps(theta1, beta1, betaScale, lowerTheta, hessian, rhoEnd, nagq, maxEvaluations).GetEnumerator();
    }

    /// <summary>The next point v and the objective to evaluate it on, or null when the run has finished.</summary>
    public (double[] V, StageObjective On)? Ask()
    {
        if (_waiting) throw new InvalidOperationException("tell the value of the last point before asking for another");
        if (_done) return null;
        if (!_steps.MoveNext()) { _done = true; _steps.Dispose(); return null; }
        _waiting = true;
        return _steps.Current;
    }

    /// <summary>Gives the objective's value at the point <see cref="Ask"/> returned last.</summary>
    public void Tell(double value)
    {
        if (!_waiting) throw new InvalidOperationException("no point is waiting for a value: call Ask first");
        _waiting = false;
        _told = value;
    }

    /// <summary>The last stage's result in v = [θ, β] units, with the evaluations of both stages (and the curvature points).</summary>
    public OptimizerResult Result => _result ?? throw new InvalidOperationException("the run has not finished: Ask until it returns null");

    private OptimizerResult? _result;

    private IEnumerable<(double[], StageObjective)> Steps(double[] theta1, double[] beta1, double[] betaScale, double[] lowerTheta,
        double[]? hessian, double rhoEnd, int nagq, int maxEvaluations)
    {
        int nt = theta1.Length, p = beta1.Length, n = nt + p;
        var v1 = theta1.Concat(beta1).ToArray();
        var scale = new double[n];
        var hess = hessian is { } h && h.Length == n * n ? h : null;
        int extra = 0;
        double f1 = double.NaN;
        for (int i = 0; i < nt; i++)
        {
            double curv;
            if (hess is not null) curv = hess[i * n + i];
            else
            {
                if (extra == 0)
                {
                    yield return ((double[])v1.Clone(), StageObjective.Laplace);
                    f1 = _told;
                    extra = 1;
                }
                double step = 1e-3 * Math.Max(1, Math.Abs(v1[i]));
                var a = (double[])v1.Clone(); a[i] += step;
                var c = (double[])v1.Clone(); c[i] -= step;
                yield return (a, StageObjective.Laplace);
                double fa = _told;
                yield return (c, StageObjective.Laplace);
                curv = (fa - 2 * f1 + _told) / (step * step);
                extra += 2;
            }
            scale[i] = curv > 0 && double.IsFinite(curv) ? Math.Sqrt(2 / curv) : 0.2;
        }
        for (int j = 0; j < p; j++)
        {
            double s = betaScale[j];
            scale[nt + j] = double.IsFinite(s) && s > 0 ? s : Math.Max(0.1, Math.Abs(beta1[j]));
        }
        var lower = new double[n];
        for (int i = 0; i < n; i++) lower[i] = i < nt ? (lowerTheta[i] - v1[i]) / scale[i] : double.NegativeInfinity;
        var upper = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        // In z units the given curvature is diag(s)·H·diag(s).
        double[]? hz = null;
        if (hess is not null)
        {
            hz = new double[n * n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) hz[i * n + j] = scale[i] * scale[j] * hess[i * n + j];
        }
        double[] Unscale(double[] z)
        {
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = v1[i] + scale[i] * z[i];
            return v;
        }
        var settings = new OptimizerSettings { MaxEvaluations = Math.Max(1, maxEvaluations) };
        var run2 = BoundedTrustRegion.Start(new double[n], 0.5, rhoEnd, lower, upper, settings, hz);
        while (run2.Ask() is { } z)
        {
            yield return (Unscale(z), StageObjective.Laplace);
            run2.Tell(_told);
        }
        var o2 = run2.Result;
        int evals = extra + o2.Evaluations;
        if (nagq > 1)
        {
            // AGQ costs K passes per evaluation: reach the Laplace optimum first, then polish on AGQ from there
            // (the two optima are a fraction of a standard error apart).
            var run3 = BoundedTrustRegion.Start(o2.X, 0.1, rhoEnd, lower, upper,
                new OptimizerSettings { MaxEvaluations = Math.Max(1, maxEvaluations - evals) }, hz);
            while (run3.Ask() is { } z)
            {
                yield return (Unscale(z), StageObjective.Agq);
                run3.Tell(_told);
            }
            var o3 = run3.Result;
            evals += o3.Evaluations;
            o2 = o3;
        }
        _result = o2 with { X = Unscale(o2.X), Evaluations = evals };
    }
}
