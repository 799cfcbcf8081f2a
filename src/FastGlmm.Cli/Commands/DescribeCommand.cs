using System.CommandLine;
using System.Text.Json;
using FastGlmm.Data.Frame;
using FastGlmm.Families;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// <c>fastglmm describe</c>: builds the model frame and prints rows used and dropped, the response,
/// the fixed-effects columns, each random-effects term and the independent-block partition.
/// </summary>
internal static class DescribeCommand
{
    public static Command Create(TextWriter stdout)
    {
        var data = new DataOptions();
        var formula = new Option<string>("--formula") { Description = "lme4 model formula, e.g. \"y ~ x + (1 | g)\"", Required = true };
        var family = new Option<string>("--family") { Description = "gaussian, binomial[(link)], poisson, Gamma[(link)]", DefaultValueFactory = _ => "gaussian" };
        var weights = new Option<string?>("--weights") { Description = "Column of prior weights" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var cmd = new Command("describe", "Show how a formula is read against the data: rows, response, X columns, random-effects terms, blocks");
        data.AddTo(cmd);
        cmd.Options.Add(formula);
        cmd.Options.Add(family);
        cmd.Options.Add(weights);
        cmd.Options.Add(json);
        cmd.SetAction(r =>
        {
            var table = data.Load(r);
            var frame = ModelFrame.Build(table, r.GetValue(formula)!, new ModelFrameOptions
            {
                Family = FamilySpec.Parse(r.GetValue(family)!),
                WeightsColumn = r.GetValue(weights),
            });
            var summary = FrameSummary.From(frame, table.Source);
            if (r.GetValue(json))
                stdout.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
            else
                summary.WriteText(stdout);
            return 0;
        });
        return cmd;
    }
}
