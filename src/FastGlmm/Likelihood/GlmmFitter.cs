using FastGlmm.Data.Frame;
using FastGlmm.Optimization;

namespace FastGlmm.Likelihood;

/// <summary>The optimum of a GLMM fit and the objective it minimized.</summary>
/// <param name="Theta">θ̂.</param>
/// <param name="Beta">β̂.</param>
/// <param name="Deviance">The minimized −2 log L.</param>
/// <param name="Optimizer">The optimizer's record.</param>
/// <param name="Objective">D as a function of [θ, β].</param>
/// <param name="Start">The starting [θ, β].</param>
/// <param name="Laplace">The evaluator (its backend holds the modes at the last evaluation).</param>
public sealed record GlmmOptimum(double[] Theta, double[] Beta, double Deviance, OptimizerResult Optimizer,
    Func<double[], double> Objective, double[] Start, LaplaceDeviance Laplace);

/// <summary>
/// Fits a GLMM by minimizing the Laplace deviance over [θ, β] jointly with the bounded Nelder–Mead
/// optimizer, from θ = lme4's start and β from a GLM fit.
/// </summary>
public static class GlmmFitter
{
    /// <summary>Minimizes the Laplace deviance.</summary>
    public static GlmmOptimum Fit(ModelFrame frame, OptimizerSettings? settings = null)
    {
        var lap = new LaplaceDeviance(frame);
        var layout = lap.Layout;
        int nt = layout.Count, p = frame.X.Columns;
        var beta0 = GlmIrls.Fit(frame);
        double F(double[] v) => lap.Evaluate(v.AsSpan(0, nt), v.AsSpan(nt));
        var x0 = layout.Initial.Concat(beta0).ToArray();
        var lower = layout.Lower.Concat(Enumerable.Repeat(double.NegativeInfinity, p)).ToArray();
        var upper = Enumerable.Repeat(double.PositiveInfinity, nt + p).ToArray();
        var step = layout.Initial.Select(v => v == 0 ? 0.1 : 0.2).Concat(beta0.Select(b => 0.2 * Math.Max(0.1, Math.Abs(b)))).ToArray();
        settings ??= new OptimizerSettings { FTolAbs = 1e-9, XTolRel = 1e-9, MaxEvaluations = 20_000 };
        var opt = BoundedNelderMead.Minimize(F, x0, step, lower, upper, settings);
        var v = opt.X;
        return new GlmmOptimum(v[..nt], v[nt..], opt.F, opt, F, x0, lap);
    }
}
