using System.Diagnostics;
using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Model;
using FastGlmm.MonteCarlo;

namespace FastGlmm.Fitting;

public static partial class MixedModel
{
    /// <summary>
    /// Monte Carlo maximum likelihood from the Laplace fit (<see cref="McmlFitter"/>): β's standard errors and the
    /// covariance come from the MCLA Hessian, logLik is the MCLA (fully normalized), and the conditional modes,
    /// fitted values and residuals are PIRLS's at the MCML estimates.
    /// </summary>
    private static FitResult FitMcml(ModelFrame frame, FitOptions o, McmlOptions mcml, Stopwatch sw)
    {
        var lap = GlmmFitter.Fit(frame, o.Optimizer, 1);
        var prob = lap.Backend.Problem;
        var layout = prob.Layout;
        int nt = layout.Count, p = frame.X.Columns, d = p + nt;
        var fit = McmlFitter.Fit(prob, lap.Theta, lap.Beta, mcml, o.ImportanceBackend);
        var report = McmlSummary.Report(fit, frame.X.ColumnNames, mcml, -lap.Deviance / 2);
        var covBeta = new double[p * p];
        for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) covBeta[i * p + j] = fit.Covariance[i * d + j];
        var se = Enumerable.Range(0, p).Select(j => Math.Sqrt(covBeta[j * p + j])).ToArray();
        var u = Modes(prob, fit.Theta, fit.Beta);
        var fs = FinalState.Compute(prob, fit.Theta, fit.Beta, u, 1.0);
        bool singular = Enumerable.Range(0, nt).Any(k => layout.IsDiagonal(k) && fit.Theta[k] < 1e-4);
        bool pd = !double.IsNaN(fit.Covariance[0]);
        var messages = fit.Rounds.Select((r, i) => $"{r.Optimizer.Message} (importance centring {i + 1}, {r.Optimizer.Iterations} Newton iterations)").ToList();
        if (!pd) messages.Add("Model failed to converge: the MCLA Hessian is not negative definite");
        if (singular) messages.Add("boundary (singular) fit: a random-effect variance is estimated as 0");
        if (fit.Rounds.Count > mcml.MaxRecentrings && fit.Rounds.Count > 1)
            messages.Add($"the estimates were still moving after {mcml.MaxRecentrings} re-centrings of the importance densities");
        messages.AddRange(report.Warnings);
        var g = fit.Final.Gradient;
        double maxScaled = 0;
        for (int i = 0; i < d && pd; i++)
        {
            double s = 0;
            for (int j = 0; j < d; j++) s += fit.Covariance[i * d + j] * g[j];
            maxScaled = Math.Max(maxScaled, Math.Abs(s));
        }
        var convergence = new ConvergenceReport(fit.Converged && pd, "Newton trust region on the MCLA (exact gradient and Hessian)",
            lap.Optimizer.Evaluations + fit.Evaluations, sw.Elapsed.TotalSeconds, maxScaled, pd, singular, messages,
            lap.Theta.Concat(lap.Beta).ToArray(), fit.Theta.Concat(fit.Beta).ToArray());
        var result = Assemble(frame, prob, fs, u, $"MCML (m = {mcml.DrawsPerBlock} per block)", 1, fit.Theta, fit.Beta, null, se,
            "mcla-hessian", se, fit.Final.LogLik, p + nt, convergence);
        return result with { BetaCovariance = covBeta, MonteCarlo = report, Backend = fit.Backend };
    }
}
