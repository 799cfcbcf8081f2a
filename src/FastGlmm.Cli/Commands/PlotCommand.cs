using System.CommandLine;
using FastGlmm.Cli.Bootstrap;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Plots;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// <c>fastglmm plot caterpillar|residuals|qq|profile|bootstrap … --out FILE.png|FILE.svg</c>: the pictures lme4 users
/// look at, drawn with ScottPlot (<see cref="FastGlmm.Plots"/>). The model plots fit the model as <c>fit</c> does;
/// <c>bootstrap</c> reads bootstrap files (shards are merged as <c>bootstrap merge</c> merges them). The file is
/// written whole or not at all (<see cref="OutputFile"/>).
/// </summary>
internal static class PlotCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var cmd = new Command("plot", "Draw a caterpillar plot of the conditional modes, residual diagnostics, ζ profiles or bootstrap distributions (PNG or SVG)");
        cmd.Subcommands.Add(ModelPlot("caterpillar", "Conditional modes with their intervals (lme4's dotplot(ranef(fit, condVar = TRUE)))", stdout, stderr,
            needsRandomEffects: true, ctx => CaterpillarPlot.Create(ctx.Fit.RandomEffects, ctx.Level)));
        cmd.Subcommands.Add(ModelPlot("residuals", "Pearson residuals against fitted values (lme4's plot(fit))", stdout, stderr,
            needsRandomEffects: false, ctx => DiagnosticPlots.Residuals(ctx.Fit.Fitted, ctx.Fit.ResidualsPearson)));
        cmd.Subcommands.Add(ModelPlot("qq", "Normal QQ plots of the conditional modes (lme4's qqmath(ranef(fit)))", stdout, stderr,
            needsRandomEffects: true, ctx => DiagnosticPlots.QqModes(ctx.Fit.RandomEffects)));
        cmd.Subcommands.Add(ModelPlot("profile", "ζ profiles of every parameter with the profile limits (lme4's xyplot(profile(fit)))", stdout, stderr,
            needsRandomEffects: true, ctx => ProfilePlot.Create(ProfileConfidence.Trace(ctx.Frame, ctx.Fit, ctx.Level), ctx.Level)));
        cmd.Subcommands.Add(BootstrapPlotCommand(stdout, stderr));
        return cmd;
    }

    private sealed record ModelContext(Data.Frame.ModelFrame Frame, Model.FitResult Fit, double Level);

    private sealed class FileOptions
    {
        public Option<string> Out { get; } = new("--out") { Description = "The image: a .png or .svg file", Required = true };
        public Option<int?> Width { get; } = new("--width") { Description = "Width in pixels (default: by the number of panels)" };
        public Option<int?> Height { get; } = new("--height") { Description = "Height in pixels (default: by the number of panels)" };
        public Option<double> Level { get; } = new("--level") { Description = "Coverage of the intervals drawn (conditional modes, profile limits, percentile interval)", DefaultValueFactory = _ => 0.95 };

        public void AddTo(Command c)
        {
            foreach (var o in new Option[] { Out, Width, Height, Level }) c.Options.Add(o);
        }

        /// <summary>The format and the checked path and level, before any work.</summary>
        public (string Path, PlotFormat Format, double Level) Check(ParseResult r)
        {
            string path = r.GetValue(Out)!;
            var format = Figure.FormatOf(path) ?? throw new UserInputException($"--out {path}: a plot is written as .png or .svg");
            OutputFile.Check(path);
            return (path, format, BootstrapMergeCommand.CheckLevel(r.GetValue(Level)));
        }

        public void Save(ParseResult r, Figure figure, string path, PlotFormat format, TextWriter stdout, string what)
        {
            int? w = r.GetValue(Width), h = r.GetValue(Height);
            // Drawn in memory first: a bad size is an error before the file is touched.
            using var image = new MemoryStream();
            figure.Write(image, format, w, h);
            OutputFile.WriteBytes(path, s => image.WriteTo(s));
            stdout.WriteLine($"{what}: {figure.Panels.Count} panel{(figure.Panels.Count == 1 ? "" : "s")} written to {path}");
        }
    }

    private static Command ModelPlot(string name, string description, TextWriter stdout, TextWriter stderr, bool needsRandomEffects,
        Func<ModelContext, Figure> draw)
    {
        var data = new DataOptions();
        var model = new ModelOptions("Fit the linear mixed model by REML (the default for gaussian)", "Fit the linear mixed model by maximum likelihood");
        var file = new FileOptions();
        var cmd = new Command(name, description);
        data.AddTo(cmd);
        model.AddTo(cmd);
        file.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var (path, format, level) = file.Check(r);
            var (spec, options) = model.Resolve(r, stderr);
            var table = data.Load(r, model.ColumnsUsed(r));
            var frame = model.Frame(r, table, spec, stderr);
            options = model.WithZeroInflation(r, options, frame, table);
            if (needsRandomEffects && frame.RandomTerms.Count == 0)
                throw new UserInputException($"plot {name}: the model {model.FormulaText(r)} has no random effects; add a term such as (1 | g), or use plot residuals");
            var fit = MixedModel.Fit(frame, options);
            FitCommand.WriteMessages(stderr, fit, blankLineFirst: false);
            file.Save(r, draw(new ModelContext(frame, fit, level)), path, format, stdout, $"{name} plot of {model.FormulaText(r)}");
            return 0;
        });
        return cmd;
    }

    private static Command BootstrapPlotCommand(TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("files") { Description = "Bootstrap CSV, JSON, Parquet or Arrow files (shards of one bootstrap), or folders of them", Arity = ArgumentArity.OneOrMore };
        var stat = new Option<string[]>("--stat") { Description = "Plot only these statistics (repeatable; default all)", AllowMultipleArgumentsPerToken = true };
        var file = new FileOptions();
        var cmd = new Command("bootstrap", "Histograms of bootstrap replicates with the original estimate and the percentile interval");
        cmd.Arguments.Add(files);
        cmd.Options.Add(stat);
        file.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var (path, format, level) = file.Check(r);
            var run = BootstrapMergeCommand.Merge(r.GetValue(files)!, stderr);
            var wanted = r.GetValue(stat) is { Length: > 0 } s ? s : null;
            foreach (var w in wanted ?? [])
                if (!run.Statistics.Contains(w))
                    throw new UserInputException($"--stat {w}: the bootstrap has no such statistic; it has {string.Join(", ", run.Statistics)}");
            var summary = BootstrapSummary.Compute(run, level);
            var ok = run.Rows.Where(x => x.Ok).ToArray();
            var dists = run.Statistics.Select((n, j) => (n, j)).Where(t => wanted is null || wanted.Contains(t.n))
                .Select(t => new BootstrapDistribution(t.n, run.Original[t.j], ok.Select(x => x.Values[t.j]).Where(v => !double.IsNaN(v)).ToArray(),
                    summary[t.j].PercentileLower, summary[t.j].PercentileUpper))
                .ToArray();
            file.Save(r, BootstrapPlot.Create(dists, level), path, format, stdout, $"bootstrap distributions of {ok.Length} replicates");
            return 0;
        });
        return cmd;
    }
}
