using System.CommandLine;
using FastGlmm.Datasets;

namespace FastGlmm.Cli.Commands;

/// <summary><c>fastglmm datasets</c>: lists the built-in data sets and their classic models.</summary>
internal static class DatasetsCommand
{
    public static Command Create(TextWriter stdout)
    {
        var cmd = new Command("datasets", "List the built-in data sets (usable as --data NAME) and their classic models");
        cmd.SetAction(_ =>
        {
            int w = BuiltInDatasets.All.Max(d => d.Name.Length);
            foreach (var d in BuiltInDatasets.All)
            {
                stdout.WriteLine($"{d.Name.PadRight(w)}  {d.Rows,4} rows  {d.Description}");
                stdout.WriteLine($"{"".PadRight(w)}  classic model: {d.Formula}  [{d.Family}]");
            }
            return 0;
        });
        return cmd;
    }
}
