using System.CommandLine;
using FastGlmm.Cli.Printing;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Model;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// <c>fastglmm fit</c>: builds the model frame, fits it with <see cref="MixedModel.Fit"/>, prints lme4's
/// summary, then the frame's and the optimizer's messages (to stderr under --quiet), and with --json writes
/// the whole <see cref="FitResult"/> (see <see cref="FitJson"/>).
/// </summary>
internal static class FitCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new DataOptions();
        var formula = new Option<string>("--formula") { Description = "lme4 model formula, e.g. \"y ~ x + (1 | g)\"", Required = true };
        var family = new Option<string>("--family") { Description = "gaussian (default; lmer), binomial[(link)], poisson, Gamma[(link)] (glmer)", DefaultValueFactory = _ => "gaussian" };
        var nagq = new Option<int>("--nagq") { Description = "Quadrature nodes per random effect for GLMMs (lme4's nAGQ); 1 = Laplace", DefaultValueFactory = _ => 1 };
        var reml = new Option<bool>("--reml") { Description = "Fit a linear mixed model by REML (the default for gaussian)" };
        var ml = new Option<bool>("--ml") { Description = "Fit a linear mixed model by maximum likelihood" };
        var weights = new Option<string?>("--weights") { Description = "Column of prior weights" };
        var json = new Option<string?>("--json") { Description = "Write the whole fit as JSON to this file (snake_case; NaN and infinities as null)" };
        var quiet = new Option<bool>("--quiet") { Description = "Do not print the summary" };
        var confint = new Option<string?>("--confint") { Description = "Also print 95% confidence intervals: profile (GLMMs) or Wald (lme4's confint)" };
        var cmd = new Command("fit", "Fit a (generalized) linear mixed model and print lme4's summary");
        data.AddTo(cmd);
        foreach (var opt in new Option[] { formula, family, nagq, reml, ml, weights, json, quiet, confint }) cmd.Options.Add(opt);
        cmd.SetAction(r =>
        {
            var spec = FamilySpec.Parse(r.GetValue(family)!);
            bool wantReml = r.GetValue(reml), wantMl = r.GetValue(ml);
            if (wantReml && wantMl) throw new UserInputException("--reml and --ml exclude each other; give one of them");
            int k = r.GetValue(nagq);
            if (k < 0) throw new UserInputException($"--nagq {k}: the number of quadrature nodes must be 0 or more (1 = Laplace)");
            if (!spec.IsLinearMixedModel && (wantReml || wantMl))
                stderr.WriteLine($"note: {(wantReml ? "--reml" : "--ml")} is ignored for the {spec} family: GLMMs are fitted by maximum likelihood (lme4's glmer takes no REML argument)");
            if (spec.IsLinearMixedModel && r.GetResult(nagq) is { Implicit: false })
                stderr.WriteLine("note: --nagq is ignored for linear mixed models (the likelihood is exact)");
            var table = data.Load(r);
            string? w = r.GetValue(weights);
            var frame = ModelFrame.Build(table, r.GetValue(formula)!, new ModelFrameOptions { Family = spec, WeightsColumn = w });
            var fit = MixedModel.Fit(frame, new FitOptions { Reml = !wantMl, Nagq = k });
            if (r.GetValue(json) is { } path) File.WriteAllText(path, FitJson.Serialize(fit, table.Source) + Environment.NewLine);
            bool q = r.GetValue(quiet);
            if (!q) FitSummaryWriter.Write(stdout, fit, new SummaryContext(table.Source, spec, w));
            WriteMessages(q ? stderr : stdout, fit, blankLineFirst: !q);
            if (r.GetValue(confint) is { } method) ConfidenceIntervalWriter.Write(stdout, frame, fit, method);
            return 0;
        });
        return cmd;
    }

    /// <summary>
    /// The frame's notes and every optimizer or convergence-check message except the plain "converged: …"
    /// line, one per line as lme4 prints its messages, and a "Warning:" line when the fit did not converge.
    /// </summary>
    public static void WriteMessages(TextWriter o, FitResult fit, bool blankLineFirst)
    {
        var lines = fit.FrameMessages
            .Concat(fit.Convergence.Messages.Where(m => !m.StartsWith("converged", StringComparison.Ordinal)))
            .ToList();
        if (!fit.Convergence.Converged)
            lines.Add($"Warning: the model did not converge ({fit.Convergence.Optimizer}, {fit.Convergence.Evaluations} evaluations); the estimates may be unreliable");
        if (lines.Count == 0) return;
        if (blankLineFirst) o.WriteLine();
        foreach (var l in lines) o.WriteLine(l);
    }
}
