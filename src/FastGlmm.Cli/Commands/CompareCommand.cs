using System.CommandLine;
using FastGlmm.Cli.Printing;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// <c>fastglmm compare</c>: fits two nested models by maximum likelihood and prints R's
/// <c>anova(small, large)</c> table (npar, AIC, BIC, logLik, deviance, χ², Df, p), and with --pb B the
/// parametric-bootstrap p-value of the likelihood-ratio statistic (pbkrtest's PBmodcomp).
/// </summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new DataOptions();
        var small = new Option<string>("--small") { Description = "The smaller (null) model's formula", Required = true };
        var large = new Option<string>("--large") { Description = "The larger model's formula", Required = true };
        var family = new Option<string>("--family") { Description = "gaussian (default), binomial[(link)], poisson, Gamma[(link)], or glmmTMB's nbinom2, nbinom1, truncated_* (hurdles with a zero formula), beta, tweedie", DefaultValueFactory = _ => "gaussian" };
        var zi = new Option<string?>("--ziformula") { Description = "A zero model for both models, as glmmTMB's ziformula (\"~1\" or \"~ x\"; see fit --help)" };
        var smallZi = new Option<string?>("--small-ziformula") { Description = "The small model's zero model (overrides --ziformula; \"~0\" for none)" };
        var largeZi = new Option<string?>("--large-ziformula") { Description = "The large model's zero model (overrides --ziformula; \"~0\" for none)" };
        var laplace = new Option<string?>("--laplace") { Description = "observed (glmmTMB's) or expected (lme4's) information in the Laplace approximation, for nbinom2 and Gamma(log) (see fit --help)" };
        var nagq = new Option<int>("--nagq") { Description = "Quadrature nodes for GLMMs (1 = Laplace)", DefaultValueFactory = _ => 1 };
        var weights = new Option<string?>("--weights") { Description = "Column of prior weights" };
        var pb = new Option<int>("--pb") { Description = "Parametric-bootstrap replicates for the LRT (0 = none)", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the parametric bootstrap", DefaultValueFactory = _ => 1UL };
        var contrasts = new ContrastOptions();
        var cmd = new Command("compare", "Likelihood-ratio test of two nested models (R's anova), optionally by parametric bootstrap");
        data.AddTo(cmd);
        foreach (var opt in new Option[] { small, large, family, nagq, weights, pb, seed, zi, smallZi, largeZi, laplace }) cmd.Options.Add(opt);
        contrasts.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var spec = FamilySpec.Parse(r.GetValue(family)!);
            int b = r.GetValue(pb);
            if (b < 0) throw new UserInputException($"--pb {b}: the number of replicates must be 0 or more");
            if (b > ParametricBootstrap.MaxReplicatesPerRun)
                throw new UserInputException($"--pb {b}: at most {ParametricBootstrap.MaxReplicatesPerRun} replicates in one run");
            var table = data.Load(r);
            var options = new ModelFrameOptions { Family = spec, WeightsColumn = r.GetValue(weights), Contrasts = contrasts.Resolve(r) };
            var sf = ModelFrame.Build(table, r.GetValue(small)!, options);
            var lf = ModelFrame.Build(table, r.GetValue(large)!, options);
            if (spec.IsLinearMixedModel) stderr.WriteLine("note: refitting with ML for the likelihood-ratio test, as lme4's anova does");
            var fitOptions = new FitOptions { Reml = false, Nagq = r.GetValue(nagq), HessianStandardErrors = false, Laplace = ModelOptions.ParseLaplace(r.GetValue(laplace)) };
            var s = MixedModel.Fit(sf, ZeroModel(fitOptions, sf, table, r.GetValue(smallZi) ?? r.GetValue(zi)));
            var l = MixedModel.Fit(lf, ZeroModel(fitOptions, lf, table, r.GetValue(largeZi) ?? r.GetValue(zi)));
            var test = ModelComparison.Compare(sf, s, lf, l, b, r.GetValue(seed));
            Write(stdout, table.Source, s, l, test, b, r.GetValue(seed));
            return 0;
        });
        return cmd;
    }

    /// <summary>A model's zero formula (none for null or "~0"), built on its own frame's rows (which checks the family).</summary>
    private static FitOptions ZeroModel(FitOptions options, ModelFrame frame, Data.DataTable table, string? formula) =>
        formula is null || formula.Replace(" ", "") is "~0" or "~-1" ? options
            : options with { ZeroInflation = ZeroInflationDesign.Build(frame, table, formula) };

    private static void Write(TextWriter o, string data, FitResult s, FitResult l, LikelihoodRatioTest t, int b, ulong seed)
    {
        o.WriteLine($"Data: {data}");
        o.WriteLine("Models:");
        o.WriteLine($"small: {s.Formula}{ZeroText(s)}");
        o.WriteLine($"large: {l.Formula}{ZeroText(l)}");
        var cols = new[] { "npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "Pr(>Chisq)" };
        var aic = RFormat.Format([s.Aic, l.Aic], 5);
        var bic = RFormat.Format([s.Bic, l.Bic], 5);
        var ll = RFormat.Format([s.LogLik, l.LogLik], 5);
        var dev = RFormat.Format([s.Deviance, l.Deviance], 5);
        string p = RFormat.FormatPValues([t.PValue], 4)[0];
        var rows = new[]
        {
            new[] { "small", s.Df.ToString(), aic[0], bic[0], ll[0], dev[0], "", "", "" },
            new[] { "large", l.Df.ToString(), aic[1], bic[1], ll[1], dev[1], RFormat.Format(t.Statistic, 4), t.Df.ToString(), p + " " + Stars(t.PValue) },
        };
        var widths = Enumerable.Range(0, cols.Length + 1).Select(j => Math.Max(j == 0 ? 0 : cols[j - 1].Length, rows.Max(row => row[j].Length))).ToArray();
        o.WriteLine(string.Join(" ", new[] { "".PadRight(widths[0]) }.Concat(cols.Select((c, j) => c.PadLeft(widths[j + 1])))).TrimEnd());
        foreach (var row in rows) o.WriteLine(string.Join(" ", row.Select((c, j) => j == 0 ? c.PadRight(widths[0]) : c.PadLeft(widths[j]))).TrimEnd());
        o.WriteLine("---");
        o.WriteLine("Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1");
        if (t.PbPValue is { } pb)
        {
            o.WriteLine();
            o.WriteLine($"Parametric bootstrap LRT (B = {b}, seed {seed}): p = {RFormat.Format(pb, 4)} " +
                $"from {t.PbReplicates} valid replicates ({t.PbFailures} failed)");
        }
    }

    /// <summary>", zi = ~1" for a model with a zero formula, as glmmTMB's anova header shows ziformula.</summary>
    private static string ZeroText(FitResult f) => f.ZeroInflation is { } z ? $", zi = {z.Formula}" : "";

    private static string Stars(double p) => p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : "";
}
