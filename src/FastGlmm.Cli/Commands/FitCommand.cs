using FastGlmm.Diagnostics;
using System.CommandLine;
using FastGlmm.Cli.Printing;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// <c>fastglmm fit</c>: builds the model frame, fits it with <see cref="MixedModel.Fit"/>, prints lme4's
/// summary, then the frame's and the optimizer's messages (to stderr under --quiet), and with --json writes
/// the <see cref="FitResult"/>'s summary (see <see cref="FitJson"/>); --fitted and --ranef stream the per-row and
/// per-level values to CSV (see <see cref="FitRowOutputs"/>).
/// </summary>
internal static class FitCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new DataOptions();
        var model = new ModelOptions("Fit a linear mixed model by REML (the default for gaussian)", "Fit a linear mixed model by maximum likelihood");
        var json = new Option<string?>("--json") { Description = "Write the fit's summary as JSON to this file (snake_case; NaN and infinities as null); per-row values go to --fitted and --ranef" };
        var jsonRows = new Option<bool>("--json-rows") { Description = "Also put the per-row arrays (fitted values, residuals, input rows) and the conditional modes in the --json file (for small data)" };
        var fitted = new Option<string?>("--fitted") { Description = "Write row,fitted,residual_response,residual_pearson,residual_deviance (lme4's fitted() and residuals()) to this file (Parquet for a .parquet name, else CSV)" };
        var ranef = new Option<string?>("--ranef") { Description = "Write grpvar,term,grp,condval,condsd (lme4's as.data.frame(ranef(fit, condVar = TRUE))) to this file (Parquet for a .parquet name, else CSV)" };
        var quiet = new Option<bool>("--quiet") { Description = "Do not print the summary" };
        var confint = new Option<string?>("--confint") { Description = "Also print confidence intervals as lme4's confint: profile (likelihood profile: .sig01, … (.sigma for LMMs) and the fixed effects) or Wald (the fixed effects; NA for the variance parameters)" };
        var confintLevel = new Option<string?>("--confint-level") { Description = "Confidence level of --confint, strictly between 0 and 1 (lme4's level) [default: 0.95]" };
        var methodOption = new Option<string>("--method") { Description = "laplace (Laplace, or AGQ with --nagq; the default) or mcml (Monte Carlo maximum likelihood: binomial(logit), poisson(log))", DefaultValueFactory = _ => "laplace" };
        var draws = new Option<int>("--m") { Description = "MCML: importance draws per independent block", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<ulong>("--seed") { Description = "MCML: seed of the importance draws", DefaultValueFactory = _ => 1234 };
        var ddf = new Option<string?>("--ddf") { Description = "Linear mixed models: t tests of the fixed effects with denominator degrees of freedom and p-values, as lmerTest's summary: satterthwaite, kenward-roger, or none (lme4's table; the default)" };
        var anova = new Option<string?>("--anova")
        {
            Description = "Linear mixed models: also print lmerTest's F table of the model's terms: 3 (type III, the default), 2 or 1, with --ddf's method (Satterthwaite when --ddf is not given)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var cmd = new Command("fit", "Fit a (generalized) linear mixed model and print lme4's summary");
        data.AddTo(cmd);
        model.AddTo(cmd);
        foreach (var opt in new Option[] { json, jsonRows, fitted, ranef, quiet, confint, confintLevel, methodOption, draws, seed, ddf, anova }) cmd.Options.Add(opt);
        cmd.SetAction(r =>
        {
            double level = ConfintLevel(r.GetValue(confintLevel), r.GetValue(confint) is not null);
            OutputFile.Check(r.GetValue(json), "--json");
            OutputFile.Check(r.GetValue(fitted), "--fitted");
            OutputFile.Check(r.GetValue(ranef), "--ranef");
            if (r.GetValue(jsonRows) && r.GetValue(json) is null) throw new UserInputException("--json-rows: applies only with --json FILE");
            var tests = DdfRequest.Parse(r.GetValue(ddf), r.GetResult(anova) is not null, r.GetValue(anova));
            var (spec, options) = model.Resolve(r, stderr);
            tests.Check(spec, options.Reml);
            options = WithMethod(r, options, r.GetValue(methodOption)!, r.GetValue(draws), r.GetValue(seed), model, draws, seed);
            var table = data.Load(r, model.ColumnsUsed(r));
            ProcessMemory.Release();
            StageTrace.Mark("data read");
            string source = table.Source;
            var frame = model.Frame(r, table, spec, stderr);
            options = model.WithZeroInflation(r, options, frame, table);
            // The frame holds what the fit needs; the table's columns can go, unless a type II/III F table reads them again.
            var kept = tests.NeedsData ? table : null;
            table = null;
            ProcessMemory.Release();
            StageTrace.Mark("model frame built");
            var fit = MixedModel.Fit(frame, options);
            ProcessMemory.Release();
            StageTrace.Mark("fit done");
            var inference = tests.Run(frame, kept, fit);
            var intervals = r.GetValue(confint) is { } ciMethod ? ConfidenceIntervalWriter.Compute(frame, fit, ciMethod, level) : null;
            if (r.GetValue(json) is { } path)
                OutputFile.WriteText(path, FitJson.Serialize(fit, source, r.GetValue(jsonRows), inference, intervals is null ? null : (intervals, level)) + Environment.NewLine);
            StageTrace.Mark("json written");
            if (r.GetValue(fitted) is { } fittedPath) FitRowOutputs.SaveFitted(fittedPath, fit);
            if (r.GetValue(ranef) is { } ranefPath) FitRowOutputs.SaveRanef(ranefPath, fit);
            bool q = r.GetValue(quiet);
            if (!q) FitSummaryWriter.Write(stdout, fit, new SummaryContext(source, spec, r.GetValue(model.Weights), inference));
            if (!q && inference?.Anova is { } table3) AnovaTableWriter.Write(stdout, inference.AnovaHeading!, table3);
            WriteMessages(q ? stderr : stdout, fit, blankLineFirst: !q);
            foreach (var m in inference?.Messages ?? []) (q ? stderr : stdout).WriteLine(m);
            if (r.GetValue(confint) is { } method)
            {
                if (fit.Method == "REML" && method.Equals("profile", StringComparison.OrdinalIgnoreCase))
                    stderr.WriteLine("note: profiling the ML deviance about the ML refit, as lme4's confint does for a REML fit");
                ConfidenceIntervalWriter.Write(stdout, stderr, intervals!, level);
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>
    /// The --confint-level value: 0.95 when not given; otherwise a number strictly between 0 and 1, and only with --confint.
    /// </summary>
    private static double ConfintLevel(string? text, bool withConfint)
    {
        if (text is null) return 0.95;
        if (!withConfint) throw new UserInputException($"--confint-level {text}: applies only with --confint profile or --confint Wald");
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double level)
            || !(level > 0 && level < 1))
            throw new UserInputException($"--confint-level {text}: the confidence level must be a number strictly between 0 and 1, e.g. 0.9");
        if (!ProfileConfidence.IsUsableLevel(level))
            throw new UserInputException($"--confint-level {text}: too close to 1, its normal quantile is infinite in double precision (use at most 0.9999999999999998)");
        return level;
    }

    /// <summary>
    /// Applies --method: "mcml" sets <see cref="FitOptions.Mcml"/> (and excludes --nagq), "laplace" leaves the
    /// options as they are and refuses --m and --seed, which only MCML uses.
    /// </summary>
    private static FitOptions WithMethod(ParseResult r, FitOptions options, string method, int m, ulong seed,
        ModelOptions model, Option<int> draws, Option<ulong> seedOption)
    {
        switch (method.Trim().ToLowerInvariant())
        {
            case "mcml":
                if (r.GetResult(model.Nagq) is { Implicit: false })
                    throw new UserInputException("--nagq and --method mcml exclude each other: MCML integrates by importance sampling");
                var mcml = new FastGlmm.MonteCarlo.McmlOptions { DrawsPerBlock = m, Seed = seed };
                mcml.Check();
                return options with { Mcml = mcml };
            case "laplace" or "agq":
                foreach (var (opt, name) in new (Option, string)[] { (draws, "--m"), (seedOption, "--seed") })
                    if (r.GetResult(opt) is { Implicit: false })
                        throw new UserInputException($"{name} applies only to --method mcml");
                return options;
            default:
                throw new UserInputException($"--method {method}: unknown method; use laplace (Laplace or AGQ by --nagq) or mcml");
        }
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
